namespace TypedSessions.Storage;

/// <summary>
/// An optional capability of a <see cref="ISessionStore"/>: a load of some keys of a session instead of all of them
/// (<see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>), so a request that reads one key of a
/// large session does not transfer every value. The result carries the session's metadata as
/// <see cref="ISessionStore.LoadAsync"/> would (creation, lifetime, version, user) and, of its values, only the names
/// asked for that are present.
/// </summary>
/// <remarks>
/// <para>A request that loaded only some keys saves through <see cref="ISessionBlindWriter.SaveBlindAsync"/> (only the
/// store knows the whole session's size), with the values it read and then wrote as
/// <see cref="SessionChangeSet.ExpectedValues"/>: a store that implements this interface must implement
/// <see cref="ISessionBlindWriter"/> too and honour expectations there as <see cref="ISessionStore.SaveAsync"/> does
/// (<see cref="SessionWriteOutcome.Conflict"/>, nothing written). The conformance kit checks both.</para>
/// <para>The store also declares <see cref="SessionStoreCapabilities.KeyReads"/>; a decorator implements this
/// interface and forwards that flag from the store it wraps. Without it, a request that asks for some keys loads the
/// whole session (same behaviour, more bytes).</para>
/// </remarks>
public interface ISessionKeyReader
{
    /// <summary>
    /// Loads the metadata of the session under <paramref name="key"/> and the values of <paramref name="names"/>
    /// (those present), touching its expiry when due, as <see cref="ISessionStore.LoadAsync"/> does.
    /// </summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="names">The session keys to load (at least one).</param>
    /// <param name="request">The current instant and touch policy.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The record (after any touch) holding only the asked-for values that are present; <see cref="SessionLoadResult.NotFound"/>
    /// when absent or expired; <see cref="SessionLoadResult.Superseded"/> for a tombstone.
    /// </returns>
    ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default);
}
