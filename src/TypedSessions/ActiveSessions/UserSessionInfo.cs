namespace TypedSessions;

/// <summary>
/// One signed-in device of a user, as a "your sessions" page lists it (<see cref="ISessionManager.ListUserSessionsAsync"/>):
/// the sessions stored for it (the request session and, with <c>UseTypedSessionsTicketStore()</c>, its authentication
/// ticket) seen as one.
/// </summary>
/// <param name="Handle">
/// A non-secret, stable identifier of the device's sessions (16 hex characters) to show and to end it by
/// (<see cref="ISessionManager.EndUserSessionAsync"/>); it is derived by hashing, never a session id or a part of one.
/// </param>
/// <param name="CreatedAt">When its earliest session was created.</param>
/// <param name="ExpiresAt">When its last session ends if left alone.</param>
/// <param name="LastSeen">When a request of it was last recorded, or <see langword="null"/> without client info.</param>
/// <param name="UserAgent">Its <c>User-Agent</c>, or <see langword="null"/> without client info.</param>
/// <param name="IpNetwork">Its IP truncated to its network (e.g. <c>203.0.113.0/24</c>), or <see langword="null"/>.</param>
/// <param name="HasAuthenticationTicket">Whether an authentication ticket of the ticket store is among its sessions.</param>
/// <param name="SessionCount">How many stored sessions it groups.</param>
public sealed record UserSessionInfo(
    string Handle,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastSeen,
    string? UserAgent,
    string? IpNetwork,
    bool HasAuthenticationTicket,
    int SessionCount);
