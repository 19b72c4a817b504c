using System.Text;

namespace TypedSessions.Storage;

/// <summary>
/// Builds a <see cref="SessionRecord"/> from the fields a store read back, with the checks every decoder of stored data
/// applies: <see cref="SessionEnvelope.Deserialize"/> and the stores that keep records in their own layout (Redis,
/// PostgreSQL) all use it, and custom stores may too. Stored data is untrusted: every check throws
/// <see cref="SessionDataException"/>, which the pipeline treats as an absent session.
/// </summary>
/// <remarks>
/// <para>The checks: at most <see cref="SessionEnvelopeLimits.MaxKeys"/> keys; each key at most
/// <see cref="SessionEnvelopeLimits.MaxKeyBytes"/> and the user key at most <see cref="SessionEnvelopeLimits.MaxUserKeyBytes"/>
/// UTF-8 bytes, measured before they are decoded; strict UTF-8 (invalid bytes are corruption, never replaced by U+FFFD);
/// no key twice; a known <see cref="SessionExpiryMode"/>; an idle timeout, when there is one, of 1 ms up to
/// <see cref="TimeSpan.MaxValue"/>.</para>
/// <para>They are about the stored form, not the rule for keys being written (<see cref="Session.MaxKeyLength"/>): a
/// key written under another rule still decodes. One instance decodes one record: add its values and user key, check
/// its lifetime with <see cref="DecodeLifetime"/>, then call <see cref="ToRecord"/> once.</para>
/// </remarks>
public sealed class SessionRecordDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly SessionEnvelopeLimits _limits;
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    /// <summary>Starts decoding one record.</summary>
    /// <param name="limits">The limits; <see cref="SessionEnvelopeLimits.Default"/> when <see langword="null"/>.</param>
    public SessionRecordDecoder(SessionEnvelopeLimits? limits = null) => _limits = limits ?? SessionEnvelopeLimits.Default;

    /// <summary>
    /// Checks the number of keys the stored record says it has, for a store that knows it before reading them, and
    /// sizes the values for it. Call it only with a count the data can back (no more entries than bytes left, say):
    /// it allocates for that many.
    /// </summary>
    /// <param name="count">The number of keys.</param>
    /// <exception cref="SessionDataException"><paramref name="count"/> is over <see cref="SessionEnvelopeLimits.MaxKeys"/>.</exception>
    public void ExpectKeys(int count)
    {
        if (count > _limits.MaxKeys)
        {
            throw new SessionDataException($"Stored session has {count} keys; the limit is {_limits.MaxKeys}.");
        }

        if (count > 0)
        {
            _values.EnsureCapacity(count);
        }
    }

    /// <summary>Adds a key and its value.</summary>
    /// <param name="utf8Key">The key as stored, in UTF-8.</param>
    /// <param name="value">The value's MessagePack bytes (kept, not copied); <see langword="null"/> where the stored data has a hole, which is corruption.</param>
    /// <exception cref="SessionDataException">The value is <see langword="null"/>, the key is too long, not UTF-8 or already added, or the record has too many keys.</exception>
    public void AddValue(ReadOnlySpan<byte> utf8Key, byte[]? value)
    {
        if (value is null)
        {
            throw new SessionDataException("Stored session has a null value.");
        }

        if (_values.Count >= _limits.MaxKeys)
        {
            throw new SessionDataException($"Stored session has more than {_limits.MaxKeys} keys.");
        }

        if (!_values.TryAdd(Decode(utf8Key, _limits.MaxKeyBytes, "key"), value))
        {
            throw new SessionDataException("Stored session has a duplicate key.");
        }
    }

    /// <summary>Decodes a user key stored as UTF-8 bytes.</summary>
    /// <param name="utf8">The user key as stored.</param>
    /// <returns>The user key.</returns>
    /// <exception cref="SessionDataException">It is too long or not UTF-8.</exception>
    public string DecodeUserKey(ReadOnlySpan<byte> utf8) => Decode(utf8, _limits.MaxUserKeyBytes, "user key");

    /// <summary>Checks the stored expiry fields and returns the lifetime they describe.</summary>
    /// <param name="mode">The <see cref="SessionExpiryMode"/> as stored.</param>
    /// <param name="expiresAt">When the session ends unless touched.</param>
    /// <param name="absoluteExpiresAt">Its hard cap, or <see langword="null"/>.</param>
    /// <param name="idleTimeoutMs">Its idle window in milliseconds, or <see langword="null"/>.</param>
    /// <returns>The lifetime.</returns>
    /// <exception cref="SessionDataException">The mode is unknown or the idle timeout is out of range.</exception>
    public static SessionLifetime DecodeLifetime(long mode, DateTimeOffset expiresAt, DateTimeOffset? absoluteExpiresAt, long? idleTimeoutMs)
    {
        // Range first: a cast to the enum's int would wrap 2^32 to Default.
        if (mode is < int.MinValue or > int.MaxValue || !Enum.IsDefined((SessionExpiryMode)(int)mode))
        {
            throw new SessionDataException($"Stored session has an unknown expiry mode ({mode}).");
        }

        if (idleTimeoutMs is <= 0 || idleTimeoutMs > (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            throw new SessionDataException($"Stored session has an invalid idle timeout ({idleTimeoutMs} ms).");
        }

        var idle = idleTimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        return new SessionLifetime((SessionExpiryMode)(int)mode, expiresAt, absoluteExpiresAt, idle);
    }

    /// <summary>Returns the record with the values added so far. Call it once.</summary>
    /// <param name="createdAt">When the session was created.</param>
    /// <param name="lifetime">Its lifetime (<see cref="DecodeLifetime"/>).</param>
    /// <param name="version">Its version.</param>
    /// <param name="userKey">The user it is bound to, or <see langword="null"/>: from <see cref="DecodeUserKey"/>, or the text of a store that keeps it as text, whose UTF-8 length is checked here.</param>
    /// <returns>The record.</returns>
    /// <exception cref="SessionDataException">The user key is too long.</exception>
    public SessionRecord ToRecord(DateTimeOffset createdAt, SessionLifetime lifetime, long version, string? userKey)
    {
        if (userKey is not null && Encoding.UTF8.GetByteCount(userKey) is var length && length > _limits.MaxUserKeyBytes)
        {
            throw new SessionDataException($"Stored session has a user key of {length} bytes; the limit is {_limits.MaxUserKeyBytes}.");
        }

        return new SessionRecord(_values, createdAt, lifetime, version, userKey);
    }

    private static string Decode(ReadOnlySpan<byte> utf8, int maxBytes, string what)
    {
        if (utf8.Length > maxBytes)
        {
            throw new SessionDataException($"Stored session has a {what} of {utf8.Length} bytes; the limit is {maxBytes}.");
        }

        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SessionDataException($"Stored session has a {what} that is not valid UTF-8.", ex);
        }
    }
}
