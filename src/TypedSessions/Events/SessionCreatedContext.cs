namespace TypedSessions;

/// <summary>What <see cref="ISessionEvents.OnCreatedAsync"/> is told: never the session id.</summary>
/// <param name="Handle">The new session's handle.</param>
/// <param name="UserKey">The user the new session is bound to (<see cref="Session.BindUser"/>, <see cref="Session.SignIn"/>), or <see langword="null"/>.</param>
/// <param name="Timestamp">When the event was raised, from the app's <see cref="TimeProvider"/>.</param>
public sealed record SessionCreatedContext(SessionHandle Handle, string? UserKey, DateTimeOffset Timestamp);
