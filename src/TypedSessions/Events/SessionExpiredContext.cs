namespace TypedSessions;

/// <summary>What <see cref="ISessionEvents.OnExpiredAsync"/> is told: never the session id.</summary>
/// <param name="Source">Where the expiry was seen: a request presenting an id, or the cleanup pass.</param>
/// <param name="Handle">
/// The session's handle when a request presented its id (<see cref="SessionExpirySource.Request"/>); <see langword="null"/>
/// for <see cref="SessionExpirySource.Cleanup"/>, whose store call returns a count only.
/// </param>
/// <param name="UserKey">
/// The user the expired session was bound to, when known: only the encrypted cookie store still has the expired record to
/// read it from; <see langword="null"/> otherwise.
/// </param>
/// <param name="Count">How many sessions: 1 for a request; for the cleanup, the store's count of deleted expired records (which includes the leftover tombstones of cycled and flushed sessions).</param>
/// <param name="ExpiryConfirmed">
/// Whether the expired record itself was seen. <see langword="true"/> for the cleanup and for the encrypted cookie store
/// (the expiry is inside the cookie's payload). <see langword="false"/> for a request to a server-side store: a store's
/// load returns the same "no live session" (<see cref="Storage.SessionLoadResult.NotFound"/>) for an expired record, one
/// already deleted (cleanup, revoke, a tombstone that ended) and an id that was never issued, and SQL and Redis stores
/// do not even read expired rows — so the event reports "this id names no live session", which is usually, but not
/// certainly, an expiry.
/// </param>
/// <param name="Timestamp">When the event was raised, from the app's <see cref="TimeProvider"/>.</param>
public sealed record SessionExpiredContext(
    SessionExpirySource Source,
    SessionHandle? Handle,
    string? UserKey,
    long Count,
    bool ExpiryConfirmed,
    DateTimeOffset Timestamp);
