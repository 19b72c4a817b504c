using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Core;

/// <summary>
/// One request's view of a session: its values with what changed, its id, lifetime and user, and the stored session
/// it moves away from or ends. <see cref="Session.Flush"/> and <see cref="Session.DiscardChanges"/> replace the
/// whole object rather than resetting fields one by one.
/// </summary>
internal sealed class SessionState
{
    private SessionState()
    {
    }

    /// <summary>Every key present, with its bytes and (once read or written) its decoded value.</summary>
    public Dictionary<string, SessionEntry> Entries { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys this request wrote.</summary>
    public HashSet<string> SetKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys this request removed.</summary>
    public HashSet<string> RemovedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keys whose stored value this request read before writing them: a write of one is a read-modify-write,
    /// checked against the store at commit (<see cref="SessionConcurrencyMode.DetectConflicts"/>).
    /// </summary>
    public HashSet<string> ReadKeys { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>Fresh values handed out for absent keys (<see cref="Session.GetOrNew{T}"/>): stored only if changed in place.</summary>
    public Dictionary<string, SessionEntry>? Pending { get; set; }

    /// <summary>
    /// The keys this request loaded when it loaded only some (<see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>):
    /// <see cref="Entries"/> and <see cref="Size"/> then hold those (and this request's writes) alone. <see langword="null"/>
    /// when the whole session is here.
    /// </summary>
    public HashSet<string>? LoadedKeys { get; private set; }

    /// <summary>Every key was removed (<see cref="Session.Clear"/>).</summary>
    public bool Cleared { get; set; }

    /// <summary>UTF-8 keys plus encoded values, in bytes.</summary>
    public long Size { get; set; }

    /// <summary>The live id: the stored session's, or a fresh one once this request establishes or cycles a session.</summary>
    public SessionId? Id { get; set; }

    /// <summary>Whether <see cref="Id"/> names a stored session.</summary>
    public bool Persisted { get; set; }

    /// <summary>The record this state started from (creation time, version); <see langword="null"/> for a new session.</summary>
    public SessionRecord? Record { get; init; }

    public SessionLifetime? Lifetime { get; set; }

    public bool LifetimeChanged { get; set; }

    public bool IdChanged { get; set; }

    public string? UserKey { get; set; }

    public bool UserKeyChanged { get; set; }

    /// <summary>The stored session this request moves to <see cref="Id"/> when it commits (<see cref="Session.CycleId"/>).</summary>
    public SessionId? CycleFrom { get; set; }

    /// <summary>The stored session this request ends when it commits (<see cref="Session.Flush"/>).</summary>
    public SessionId? EndId { get; init; }

    /// <summary>This state follows a flush: the request's session was ended.</summary>
    public bool Flushed { get; private init; }

    /// <summary>
    /// The state of a session not loaded yet, disabled or unavailable: empty, shared, and never changed (every change
    /// first requires a loaded session, which gets a state of its own).
    /// </summary>
    public static SessionState Unloaded { get; } = new();

    /// <summary>The state of a request that starts from <paramref name="record"/> (or from nothing).</summary>
    /// <param name="id">The stored session's id.</param>
    /// <param name="record">What was loaded.</param>
    /// <param name="readKeys">Keys already read (kept when changes are discarded).</param>
    /// <param name="loadedKeys">The keys <paramref name="record"/> was loaded for, when it holds only some; <see langword="null"/> for the whole session.</param>
    public static SessionState Loaded(SessionId? id, SessionRecord? record, HashSet<string>? readKeys = null, IEnumerable<string>? loadedKeys = null)
    {
        var state = new SessionState
        {
            Id = record is null ? null : id,
            Persisted = record is not null,
            Record = record,
            Lifetime = record?.Lifetime,
            UserKey = record?.UserKey,
            ReadKeys = readKeys ?? new HashSet<string>(StringComparer.Ordinal),
            LoadedKeys = record is null || loadedKeys is null ? null : new HashSet<string>(loadedKeys, StringComparer.Ordinal),
        };
        if (record is null)
        {
            return state;
        }

        foreach (var (key, bytes) in record.Values)
        {
            state.Entries[key] = new SessionEntry(bytes);
            state.Size += SessionSize.Of(key, bytes.Length);
        }

        return state;
    }

    /// <summary>
    /// Adds values loaded later for keys not loaded before (<see cref="LoadedKeys"/>); a key this request already wrote
    /// or removed keeps what the request did.
    /// </summary>
    /// <param name="keys">The keys loaded now.</param>
    /// <param name="values">Their stored values (those present).</param>
    public void AddLoaded(IEnumerable<string> keys, IReadOnlyDictionary<string, byte[]> values)
    {
        var loaded = LoadedKeys ?? throw new InvalidOperationException("The whole session is loaded already.");
        foreach (var key in keys)
        {
            if (!loaded.Add(key) || SetKeys.Contains(key) || RemovedKeys.Contains(key) || Cleared)
            {
                continue;
            }

            if (values.TryGetValue(key, out var bytes))
            {
                Entries[key] = new SessionEntry(bytes);
                Size += SessionSize.Of(key, bytes.Length);
            }
        }
    }

    /// <summary>
    /// The whole session for a request that had loaded only some keys: <paramref name="whole"/>'s values, but this
    /// request's own entries (as read, cached, written) for every key it loaded or wrote, its removals, reads and
    /// pending values. <paramref name="whole"/> holds the values as loaded earlier for the keys loaded earlier.
    /// </summary>
    /// <param name="id">The stored session's id.</param>
    /// <param name="whole">The session as stored now, with the earlier loaded keys' values put back.</param>
    public SessionState Widen(SessionId id, SessionRecord whole)
    {
        var state = Loaded(id, whole, ReadKeys);
        state.Pending = Pending;
        foreach (var (key, entry) in Entries)
        {
            state.Entries.TryGetValue(key, out var old);
            state.Size += SessionSize.Of(key, entry.Bytes.Length) - (old is null ? 0 : SessionSize.Of(key, old.Bytes.Length));
            state.Entries[key] = entry;
        }

        foreach (var key in RemovedKeys)
        {
            if (state.Entries.Remove(key, out var old))
            {
                state.Size -= SessionSize.Of(key, old.Bytes.Length);
            }

            state.RemovedKeys.Add(key);
        }

        state.SetKeys.UnionWith(SetKeys);
        return state;
    }

    /// <summary>
    /// The state after a blind save (<see cref="Session"/>'s writes without a load): the stored session's id and the
    /// lifetime the save left, for the cookie; no values (the session is not loaded).
    /// </summary>
    public static SessionState Saved(SessionId id, SessionLifetime lifetime)
        => new() { Id = id, Persisted = true, Lifetime = lifetime };

    /// <summary>The state after a flush: empty and new; the stored session this request cycled away from or loaded is ended at commit.</summary>
    /// <remarks>The keys read so far stay recorded: a <see cref="Session.DiscardChanges"/> after the flush goes back to
    /// the loaded session, and a write of a key read before the flush must still be checked against what was read.</remarks>
    public SessionState Flush()
        => new() { EndId = CycleFrom ?? (Persisted ? Id : null) ?? EndId, Flushed = true, ReadKeys = ReadKeys };

    /// <summary>The whole values as stored: key to bytes.</summary>
    public Dictionary<string, byte[]> Values()
        => Entries.ToDictionary(e => e.Key, e => e.Value.Bytes, StringComparer.Ordinal);
}

/// <summary>One value: its encoded bytes and, once read or written, the decoded instance.</summary>
internal sealed class SessionEntry(byte[] bytes)
{
    private Func<SessionCodec, string, object?, byte[]>? _encode;

    public byte[] Bytes { get; set; } = bytes;

    public object? Value { get; private set; }

    public Type? ValueType { get; private set; }

    /// <summary>The value was handed out by reference and may be changed in place: re-encoded at commit.</summary>
    public bool Tracked { get; private set; }

    public void Cache<T>(T value, bool tracked)
    {
        Value = value;
        ValueType = typeof(T);
        Tracked = tracked;
        _encode = tracked ? Encoder<T>.Encode : null;
    }

    /// <summary>Encodes the cached value again, as its cached type (a generic call: no reflection, so Native AOT safe).</summary>
    public byte[] Reencode(SessionCodec codec, string key)
        => (_encode ?? throw new InvalidOperationException("Only a tracked value is encoded again."))(codec, key, Value);

    private static class Encoder<T>
    {
        public static readonly Func<SessionCodec, string, object?, byte[]> Encode = static (codec, key, value) => codec.Encode(key, (T)value!);
    }
}
