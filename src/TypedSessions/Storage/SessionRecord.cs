using System.Collections.ObjectModel;

namespace TypedSessions.Storage;

/// <summary>
/// A stored session: its values (key to MessagePack bytes) and metadata. Immutable by contract:
/// neither stores nor the session core mutate the value arrays once a record is built.
/// </summary>
public sealed class SessionRecord
{
    private static readonly IReadOnlyDictionary<string, byte[]> NoValues =
        new ReadOnlyDictionary<string, byte[]>(new Dictionary<string, byte[]>(StringComparer.Ordinal));

    /// <summary>Creates a record.</summary>
    /// <param name="values">Key to MessagePack-encoded value.</param>
    /// <param name="createdAt">When the session was created.</param>
    /// <param name="lifetime">Expiry state.</param>
    /// <param name="version">Incremented by every save; 1 for a new record.</param>
    /// <param name="userKey">The user the session is bound to, or <see langword="null"/>.</param>
    public SessionRecord(
        IReadOnlyDictionary<string, byte[]>? values,
        DateTimeOffset createdAt,
        SessionLifetime lifetime,
        long version = 1,
        string? userKey = null)
    {
        Values = values ?? NoValues;
        CreatedAt = createdAt;
        Lifetime = lifetime;
        Version = version;
        UserKey = userKey;
    }

    /// <summary>Key to MessagePack-encoded value.</summary>
    public IReadOnlyDictionary<string, byte[]> Values { get; }

    /// <summary>When the session was created; the absolute timeout counts from here.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Expiry state.</summary>
    public SessionLifetime Lifetime { get; }

    /// <summary>Incremented by every save.</summary>
    public long Version { get; }

    /// <summary>The user the session is bound to (for "log out everywhere"), or <see langword="null"/>.</summary>
    public string? UserKey { get; }

    /// <summary>
    /// Whether this is a tombstone (<see cref="Tombstone"/>): the mark a cycled or flushed session leaves under its
    /// old key. It has no values, no user and no pointer to another key; it ends at <see cref="SessionLifetime.ExpiresAt"/>.
    /// </summary>
    public bool IsTombstone { get; private init; }

    /// <summary>Total bytes of keys (UTF-8) and values: what the size limit measures.</summary>
    public long PayloadSize
    {
        get
        {
            long size = 0;
            foreach (var (key, value) in Values)
            {
                size += SessionSize.Of(key, value.Length);
            }

            return size;
        }
    }

    /// <summary>The tombstone a cycled or flushed session leaves under its old key (see <see cref="ISessionStore"/>).</summary>
    /// <param name="now">The instant the session was cycled or flushed.</param>
    /// <param name="expiresAt">When the tombstone ends.</param>
    /// <returns>A record with no values that never slides and ends at <paramref name="expiresAt"/>.</returns>
    public static SessionRecord Tombstone(DateTimeOffset now, DateTimeOffset expiresAt)
        => new(null, now, new SessionLifetime(SessionExpiryMode.Absolute, expiresAt, expiresAt, null), 0) { IsTombstone = true };

    /// <summary>
    /// The rule of <see cref="ISessionStore.SaveAsync"/> and <see cref="ISessionStore.CycleAsync"/> for a store that
    /// reads the whole record inside its atomic section: decides the outcome for what is stored now and, when it is
    /// <see cref="SessionWriteOutcome.Applied"/>, the record to write (<see cref="Apply"/>). The outcome is
    /// <see cref="SessionWriteOutcome.TooLarge"/> when the record would hold more keys than
    /// <see cref="SessionEnvelopeLimits.MaxKeys"/> of <see cref="SessionEnvelopeLimits.Default"/> (a load refuses more);
    /// a store with other limits calls <see cref="TryApply(SessionRecord?, SessionChangeSet, long, int, out SessionRecord?)"/>.
    /// </summary>
    /// <param name="stored">What the key holds now (expired or not, a tombstone or not), or <see langword="null"/>.</param>
    /// <param name="changes">The changes.</param>
    /// <param name="updated">The record to write when the outcome is <see cref="SessionWriteOutcome.Applied"/>.</param>
    /// <returns>The outcome.</returns>
    public static SessionWriteOutcome TryApply(SessionRecord? stored, SessionChangeSet changes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionRecord? updated)
        => TryApply(stored, changes, long.MaxValue, SessionEnvelopeLimits.Default.MaxKeys, out updated);

    /// <summary>
    /// The rule of <see cref="ISessionStore.SaveAsync"/>, <see cref="ISessionStore.CycleAsync"/> and
    /// <see cref="ISessionBlindWriter.SaveBlindAsync"/> for a store that reads the whole record inside its atomic
    /// section: <see cref="SessionWriteOutcome.NotFound"/>, <see cref="SessionWriteOutcome.Superseded"/> or
    /// <see cref="SessionWriteOutcome.Conflict"/> as what is stored now says; else
    /// <see cref="SessionWriteOutcome.TooLarge"/> when the updated record would hold more than
    /// <paramref name="maxKeys"/> keys (the most the store loads: more would make the session unreadable) or its
    /// <see cref="PayloadSize"/> would exceed <paramref name="maxSize"/>; else <see cref="SessionWriteOutcome.Applied"/>
    /// with the record to write (<see cref="Apply"/>).
    /// </summary>
    /// <param name="stored">What the key holds now (expired or not, a tombstone or not), or <see langword="null"/>.</param>
    /// <param name="changes">The changes.</param>
    /// <param name="maxSize">The largest size the session may have after the write, in bytes (<see cref="long.MaxValue"/>: no limit).</param>
    /// <param name="maxKeys">The most keys the session may hold after the write: the store's <see cref="SessionEnvelopeLimits.MaxKeys"/>.</param>
    /// <param name="updated">The record to write when the outcome is <see cref="SessionWriteOutcome.Applied"/>.</param>
    /// <returns>The outcome.</returns>
    public static SessionWriteOutcome TryApply(SessionRecord? stored, SessionChangeSet changes, long maxSize, int maxKeys, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionRecord? updated)
    {
        ArgumentNullException.ThrowIfNull(changes);
        updated = null;
        if (stored is null || stored.Lifetime.IsExpired(changes.Now))
        {
            return SessionWriteOutcome.NotFound;
        }

        if (stored.IsTombstone)
        {
            return SessionWriteOutcome.Superseded;
        }

        if (changes.FindConflict(stored.Values) is not null)
        {
            return SessionWriteOutcome.Conflict;
        }

        updated = stored.Apply(changes);
        if (updated.Values.Count > maxKeys || (maxSize != long.MaxValue && updated.PayloadSize > maxSize))
        {
            updated = null;
            return SessionWriteOutcome.TooLarge;
        }

        return SessionWriteOutcome.Applied;
    }

    /// <summary>
    /// The rule of <see cref="ISessionBlindWriter.SaveBlindAsync"/> for a store that reads the whole record inside its
    /// atomic section: <see cref="TryApply(SessionRecord?, SessionChangeSet, out SessionRecord?)"/>, then
    /// <see cref="SessionWriteOutcome.TooLarge"/> when the updated record's <see cref="PayloadSize"/> exceeds
    /// <paramref name="maxSize"/> or it would hold more keys than <see cref="SessionEnvelopeLimits.MaxKeys"/> of
    /// <see cref="SessionEnvelopeLimits.Default"/> (a load refuses more).
    /// </summary>
    /// <param name="stored">What the key holds now (expired or not, a tombstone or not), or <see langword="null"/>.</param>
    /// <param name="changes">The changes.</param>
    /// <param name="maxSize">The largest size the session may have after the write, in bytes.</param>
    /// <param name="updated">The record to write when the outcome is <see cref="SessionWriteOutcome.Applied"/>.</param>
    /// <returns>The outcome.</returns>
    public static SessionWriteOutcome TryApply(SessionRecord? stored, SessionChangeSet changes, long maxSize, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionRecord? updated)
        => TryApply(stored, changes, maxSize, SessionEnvelopeLimits.Default.MaxKeys, out updated);

    /// <summary>The rule of <see cref="ISessionStore.EndAsync"/>: what ending the session stored as <paramref name="stored"/> at <paramref name="now"/> reports.</summary>
    /// <param name="stored">What the key holds now, or <see langword="null"/>.</param>
    /// <param name="now">The current instant.</param>
    /// <returns><see cref="SessionWriteOutcome.Applied"/> when a live session is to be replaced by a tombstone.</returns>
    public static SessionWriteOutcome EndOutcome(SessionRecord? stored, DateTimeOffset now)
        => stored is null || stored.Lifetime.IsExpired(now) ? SessionWriteOutcome.NotFound
            : stored.IsTombstone ? SessionWriteOutcome.Superseded
            : SessionWriteOutcome.Applied;

    /// <summary>Returns a copy with another lifetime.</summary>
    /// <param name="lifetime">The new lifetime.</param>
    public SessionRecord WithLifetime(SessionLifetime lifetime) => new(Values, CreatedAt, lifetime, Version, UserKey) { IsTombstone = IsTombstone };

    /// <summary>
    /// Returns a copy holding only the values of <paramref name="names"/> that are present, metadata unchanged: what
    /// <see cref="ISessionKeyReader.LoadKeysAsync"/> answers for a store that reads whole records.
    /// </summary>
    /// <param name="names">The session keys to keep.</param>
    public SessionRecord WithOnly(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (Values.TryGetValue(name, out var value))
            {
                values[name] = value;
            }
        }

        return new(values, CreatedAt, Lifetime, Version, UserKey) { IsTombstone = IsTombstone };
    }

    /// <summary>
    /// Applies a change set on top of this record: the per-key merge every store performs
    /// atomically. Clear first, then removals, then sets; the lifetime is replaced when the change
    /// set carries one, else slid as a write touches it; the version goes up by one.
    /// </summary>
    /// <param name="changes">The changes to apply.</param>
    public SessionRecord Apply(SessionChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (IsTombstone)
        {
            throw new InvalidOperationException("A tombstone cannot be changed; see TryApply.");
        }

        var values = changes.ClearAll
            ? new Dictionary<string, byte[]>(StringComparer.Ordinal)
            : new Dictionary<string, byte[]>(Values, StringComparer.Ordinal);
        foreach (var key in changes.RemovedKeys)
        {
            values.Remove(key);
        }

        foreach (var (key, value) in changes.SetValues)
        {
            values[key] = value;
        }

        var lifetime = changes.Lifetime ?? Lifetime.Touch(changes.Now, 0) ?? Lifetime;
        var userKey = changes.UserKeyChanged ? changes.UserKey : UserKey;
        return new SessionRecord(values, CreatedAt, lifetime, Version + 1, userKey);
    }
}
