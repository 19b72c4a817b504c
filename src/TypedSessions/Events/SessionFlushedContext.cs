namespace TypedSessions;

/// <summary>What <see cref="ISessionEvents.OnFlushedAsync"/> is told: never the session id.</summary>
/// <param name="Handle">The ended session's handle.</param>
/// <param name="UserKey">The user the ended session was bound to when it was loaded, or <see langword="null"/>.</param>
/// <param name="Timestamp">When the event was raised, from the app's <see cref="TimeProvider"/>.</param>
public sealed record SessionFlushedContext(SessionHandle Handle, string? UserKey, DateTimeOffset Timestamp);
