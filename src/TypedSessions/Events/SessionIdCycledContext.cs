namespace TypedSessions;

/// <summary>What <see cref="ISessionEvents.OnIdCycledAsync"/> is told: never the session ids.</summary>
/// <param name="OldHandle">The handle of the id the session had (now a tombstone).</param>
/// <param name="NewHandle">The handle of the session's new id.</param>
/// <param name="UserKey">The user the session is bound to after the cycle (for a sign-in, the user signed in), or <see langword="null"/>.</param>
/// <param name="Timestamp">When the event was raised, from the app's <see cref="TimeProvider"/>.</param>
public sealed record SessionIdCycledContext(SessionHandle OldHandle, SessionHandle NewHandle, string? UserKey, DateTimeOffset Timestamp);
