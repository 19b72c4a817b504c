using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TypedSessions.Core;
using TypedSessions.Storage;

namespace TypedSessions;

public sealed partial class Session
{
    /// <summary>Longest key accepted, in characters.</summary>
    public const int MaxKeyLength = SessionKeyRules.MaxKeyLength;

    /// <summary>The keys present.</summary>
    public IReadOnlyCollection<string> Keys
    {
        get
        {
            AccessWhole(nameof(Keys));
            return _state.Entries.Keys;
        }
    }

    /// <summary>How many keys are present.</summary>
    public int Count
    {
        get
        {
            AccessWhole(nameof(Count));
            return _state.Entries.Count;
        }
    }

    /// <summary>Whether no key is present.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>The session's size as the limit counts it (UTF-8 keys plus encoded values), in bytes.</summary>
    public long Size
    {
        get
        {
            AccessWhole(nameof(Size));
            return _state.Size;
        }
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    /// <param name="key">The key.</param>
    public bool ContainsKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Access(key);
        MarkRead(key);
        return _state.Entries.ContainsKey(key);
    }

    /// <summary>Reads a value; <c>default</c> when absent. Decoded once per request, then served from a cache.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <exception cref="SessionValueException">The stored bytes cannot be read as <typeparamref name="T"/>.</exception>
    public T? Get<T>(string key)
    {
        TryGet<T>(key, out var value);
        return value;
    }

    /// <summary>Reads a value, or <paramref name="defaultValue"/> when absent.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="defaultValue">Returned when the key is absent.</param>
    public T Get<T>(string key, T defaultValue) => TryGet<T>(key, out var value) ? value : defaultValue;

    /// <summary>Reads a value if present.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, or <c>default</c>.</param>
    /// <returns>Whether the key is present.</returns>
    /// <remarks>Under Native AOT, <typeparamref name="T"/> must have a formatter that needs no dynamic code: a builtin MessagePack type, a type a <see cref="SessionSchemaAttribute"/> property stores, or one your <c>SerializerOptions</c> resolver serves (docs/aot.md).</remarks>
    /// <exception cref="SessionValueException">The stored bytes cannot be read as <typeparamref name="T"/>.</exception>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Access(key);
        if (!_state.Entries.TryGetValue(key, out var entry))
        {
            MarkRead(key);
            value = default;
            return false;
        }

        // Cached: decoded earlier in this request (and marked read then) or written by it.
        if (entry.ValueType == typeof(T))
        {
            value = (T)entry.Value!;
            return true;
        }

        MarkRead(key);

        // The cached value may have been changed in place; encode it before it is replaced by a value of another type.
        SyncTracked(key, entry);
        value = _env.Codec.Decode<T>(key, entry.Bytes);
        entry.Cache(value, IsTracked(value));
        return true;
    }

    /// <summary>The raw MessagePack bytes of a value, or <see langword="null"/> when absent.</summary>
    /// <param name="key">The key.</param>
    public ReadOnlyMemory<byte>? GetBytes(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Access(key);
        MarkRead(key);
        if (!_state.Entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        SyncTracked(key, entry);
        return entry.Bytes;
    }

    /// <summary>Writes a value (encoded now, so a type the serializer cannot handle fails here, not at commit).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key (1 to <see cref="MaxKeyLength"/> characters).</param>
    /// <param name="value">The value.</param>
    /// <remarks>Under Native AOT, <typeparamref name="T"/> must have a formatter that needs no dynamic code: a builtin MessagePack type, a type a <see cref="SessionSchemaAttribute"/> property stores, or one your <c>SerializerOptions</c> resolver serves (docs/aot.md).</remarks>
    /// <exception cref="SessionTooLargeException">The session would exceed the size limit; nothing was written.</exception>
    public void Set<T>(string key, T value)
    {
        ValidateKey(key);
        var blind = CanWriteBlind;
        if (!blind)
        {
            EnsureWritable();
        }

        var entry = new SessionEntry(_env.Codec.Encode(key, value));
        entry.Cache(value, IsTracked(value));
        if (blind)
        {
            WriteBlind(key, entry);
        }
        else
        {
            Put(key, entry);
        }
    }

    /// <summary>Writes raw MessagePack bytes (copied).</summary>
    /// <param name="key">The key.</param>
    /// <param name="bytes">One MessagePack value.</param>
    public void SetBytes(string key, ReadOnlySpan<byte> bytes)
    {
        ValidateKey(key);
        if (CanWriteBlind)
        {
            WriteBlind(key, new SessionEntry(bytes.ToArray()));
        }
        else
        {
            EnsureWritable();
            Put(key, new SessionEntry(bytes.ToArray()));
        }
    }

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether it was present.</returns>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        EnsureWritable();
        Access(key);
        _state.Pending?.Remove(key);
        if (!_state.Entries.Remove(key, out var old))
        {
            return false;
        }

        _state.Size -= SessionSize.Of(key, old.Bytes.Length);
        _state.SetKeys.Remove(key);
        _state.RemovedKeys.Add(key);
        Changed();
        return true;
    }

    /// <summary>Removes a key and returns its value (Django's <c>pop</c>); <c>default</c> when absent.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    public T? Pop<T>(string key)
    {
        if (!TryGet<T>(key, out var value))
        {
            return default;
        }

        Remove(key);
        return value;
    }

    /// <summary>Removes every key; the session (id, expiry) stays. See <see cref="Flush"/> to end it.</summary>
    public void Clear()
    {
        EnsureWritable();
        AccessWhole(nameof(Clear));
        _state.Pending?.Clear();
        if (_state.Entries.Count == 0 && !_state.Persisted)
        {
            return;
        }

        _state.Entries.Clear();
        _state.SetKeys.Clear();
        _state.RemovedKeys.Clear();
        _state.Size = 0;
        _state.Cleared = true;
        Changed();
    }

    private void Put(string key, SessionEntry entry)
    {
        Access();

        // Set checks this in EnsureWritable; a pending collection changed in place reaches here at commit.
        ThrowIfSuperseded();
        var exists = _state.Entries.TryGetValue(key, out var old);
        var oldSize = exists ? SessionSize.Of(key, old!.Bytes.Length) : 0;
        var newSize = _state.Size - oldSize + SessionSize.Of(key, entry.Bytes.Length);
        var limit = _env.Options.MaxSessionSize;
        if (newSize > limit)
        {
            throw new SessionTooLargeException(key, newSize, limit);
        }

        // A store loads at most SessionEnvelopeLimits.MaxKeys keys (more is treated as corrupt data): a session with
        // more would be saved and then never load again, so the write that would make it so is refused.
        var maxKeys = SessionEnvelopeLimits.Default.MaxKeys;
        if (!exists && _state.Entries.Count >= maxKeys)
        {
            throw SessionTooLargeException.TooManyKeys(key, _state.Entries.Count + 1, maxKeys);
        }

        EstablishIfNew();
        _state.Pending?.Remove(key);
        _state.Entries[key] = entry;
        _state.Size = newSize;
        _state.SetKeys.Add(key);
        _state.RemovedKeys.Remove(key);
        Changed();
    }

    // A value read for the framework (the device record): not recorded as read (so writing the key later is a blind
    // write, never a conflict with a parallel request), not cached, and not an access of the session.
    internal T? Peek<T>(string key)
        => _state.Entries.TryGetValue(key, out var entry) ? _env.Codec.Decode<T>(key, entry.Bytes) : default;

    private void Access()
    {
        EnsureReadable();
        IsAccessed = true;
    }

    // An access of one key's stored value: the key must be loaded (or written or removed by this request).
    private void Access(string key)
    {
        Access();
        if (_state.LoadedKeys is { } loaded && !loaded.Contains(key) && !_state.SetKeys.Contains(key) && !_state.RemovedKeys.Contains(key))
        {
            throw new InvalidOperationException(
                $"The session key '{key}' is not loaded: this request loaded only some keys (LoadKeysAsync). Name it there too, " +
                "or load the whole session (LoadAsync).");
        }
    }

    // What needs every key of the session: refused while only some are loaded.
    private void AccessWhole(string what)
    {
        Access();
        if (_state.LoadedKeys is not null)
        {
            throw new InvalidOperationException(
                $"{what} needs the whole session, and this request loaded only some keys (LoadKeysAsync). Load the rest first (LoadAsync).");
        }
    }

    // A read of the stored value, unless this request already replaced or removed it (then it reads its own write).
    private void MarkRead(string key)
    {
        if (!_state.Cleared && !_state.SetKeys.Contains(key) && !_state.RemovedKeys.Contains(key))
        {
            _state.ReadKeys.Add(key);
        }
    }

    private void Changed()
    {
        IsModified = true;
        ChangeStamp++;
    }

    private static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (SessionKeyRules.DescribeInvalidKey(key) is { } problem)
        {
            throw new ArgumentException($"Invalid session key: {problem}.", nameof(key));
        }
    }

    // Stores keep keys as UTF-8; an unpaired surrogate has no UTF-8 form and would come back as U+FFFD, under another key.
    internal static void EnsureWellFormed(string value, string parameterName)
    {
        if (!SessionKeyRules.IsWellFormed(value))
        {
            throw new ArgumentException("A session key or user key must be well-formed Unicode: it contains an unpaired surrogate, which cannot be stored as UTF-8.", parameterName);
        }
    }

    // Values a caller could mutate in place (a List, a class) are re-encoded on commit and saved if they changed.
    private static bool IsTracked<T>(T value)
        => value is not null && RuntimeHelpers.IsReferenceOrContainsReferences<T>() && value is not (string or Uri or Version);

    // Re-encodes a value handed out by reference; when its bytes changed, records the key as set and the session as modified.
    private void SyncTracked(string key, SessionEntry entry)
    {
        if (!entry.Tracked)
        {
            return;
        }

        var bytes = entry.Reencode(_env.Codec, key);
        if (bytes.AsSpan().SequenceEqual(entry.Bytes))
        {
            return;
        }

        _state.Size += bytes.Length - entry.Bytes.Length;
        entry.Bytes = bytes;
        _state.SetKeys.Add(key);
        Changed();
    }
}
