namespace TypedSessions;

/// <summary>Where an expiry reported by <see cref="ISessionEvents.OnExpiredAsync"/> was seen.</summary>
public enum SessionExpirySource
{
    /// <summary>
    /// A request (or <see cref="ISessionManager.OpenAsync"/> / <see cref="ISessionManager.OpenByStoreKeyAsync"/>) presented
    /// a well-formed id, and there is no live session under it: one session, named by its handle.
    /// </summary>
    Request,

    /// <summary>
    /// The expired-session cleanup (the hosted cleanup service, or <see cref="ISessionManager.DeleteExpiredAsync"/>, which
    /// the CLI's <c>clear-expired</c> runs) deleted expired records: a count, no handles.
    /// </summary>
    Cleanup,
}
