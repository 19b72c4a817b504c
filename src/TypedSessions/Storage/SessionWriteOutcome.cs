namespace TypedSessions.Storage;

/// <summary>
/// The outcome of a write to an existing session (<see cref="ISessionStore.SaveAsync"/>,
/// <see cref="ISessionStore.CycleAsync"/>, <see cref="ISessionStore.EndAsync"/>). Only
/// <see cref="Applied"/> wrote anything.
/// </summary>
public enum SessionWriteOutcome
{
    /// <summary>The write was applied.</summary>
    Applied = 0,

    /// <summary>No live session has that key (never created, expired, deleted or revoked); nothing was written or recreated.</summary>
    NotFound = 1,

    /// <summary>
    /// The key holds a tombstone: another request cycled or flushed the session. Nothing was written;
    /// the tombstone is left as it is.
    /// </summary>
    Superseded = 2,

    /// <summary>
    /// A key the change set expected (<see cref="SessionChangeSet.ExpectedValues"/>) holds another value now:
    /// another request changed it since this one read it; or the store holds the session for another operation that
    /// is moving it (a Redis Cluster cycle in steps), so any write now could be lost. Nothing was written; a retry may
    /// succeed.
    /// </summary>
    Conflict = 3,

    /// <summary>
    /// The session would hold more keys than the store loads (its <see cref="SessionEnvelopeLimits.MaxKeys"/>: a save
    /// or cycle past it would make the session unreadable), or exceed the size limit of a blind write
    /// (<see cref="ISessionBlindWriter.SaveBlindAsync"/>). Nothing was written.
    /// </summary>
    TooLarge = 4,
}
