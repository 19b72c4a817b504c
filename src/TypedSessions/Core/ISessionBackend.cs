using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Core;

/// <summary>
/// Where a <see cref="Session"/> loads from and commits to. The store coordinator (server-side stores) and the
/// encrypted cookie's committer implement it; the session itself knows neither HTTP nor the store kind.
/// </summary>
internal interface ISessionBackend
{
    /// <summary>Options, clock and codec.</summary>
    SessionEnvironment Environment { get; }

    /// <summary>Loads the session stored under <paramref name="id"/> (and slides its expiry when due).</summary>
    /// <exception cref="SessionUnavailableException">The backend failed or timed out.</exception>
    Task<SessionLoadResult> LoadAsync(SessionId id);

    /// <summary>Whether <see cref="LoadKeysAsync"/> loads only the keys asked for (the store implements <see cref="ISessionKeyReader"/> and blind writes).</summary>
    bool SupportsKeyReads { get; }

    /// <summary>
    /// Loads the metadata of the session stored under <paramref name="id"/> and the values of <paramref name="keys"/>
    /// (and slides its expiry when due). Only when <see cref="SupportsKeyReads"/>.
    /// </summary>
    /// <exception cref="SessionUnavailableException">The backend failed or timed out.</exception>
    Task<SessionLoadResult> LoadKeysAsync(SessionId id, IReadOnlyCollection<string> keys);

    /// <summary>Persists what a request changed, all or nothing.</summary>
    /// <returns>Whether the live id (<see cref="SessionCommit.Id"/>) now names a persisted session.</returns>
    /// <exception cref="SessionUnavailableException">The backend failed; nothing was written.</exception>
    /// <exception cref="SessionInterruptedException">Another request cycled, flushed or ended the session.</exception>
    /// <exception cref="SessionConflictException">A key this request read and wrote changed meanwhile.</exception>
    Task<bool> CommitAsync(SessionCommit commit);

    /// <summary>Whether <see cref="SaveBlindAsync"/> is available (the store implements <see cref="ISessionBlindWriter"/>).</summary>
    bool SupportsBlindWrites { get; }

    /// <summary>
    /// Saves keys a request set without loading its session (one store call). Returns the outcome:
    /// <see cref="SessionWriteOutcome.Applied"/> (with the lifetime left), <see cref="SessionWriteOutcome.NotFound"/>
    /// (no live session under <paramref name="id"/>: the caller starts a new one). Throws for the others.
    /// </summary>
    /// <exception cref="SessionUnavailableException">The backend failed; nothing was written.</exception>
    /// <exception cref="SessionInterruptedException">The id names a tombstone (cycled or flushed by another request).</exception>
    /// <exception cref="SessionTooLargeException">The session would exceed the size limit; nothing was written.</exception>
    Task<SessionBlindWriteResult> SaveBlindAsync(SessionId id, SessionChangeSet changes);

    /// <summary>Deletes every session bound to <paramref name="userKey"/>.</summary>
    /// <exception cref="NotSupportedException">The backend cannot find a user's sessions.</exception>
    Task<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken);
}
