namespace TypedSessions;

/// <summary>What <see cref="ISessionEvents.OnRevokedAsync"/> is told.</summary>
/// <param name="UserKey">The user whose sessions were deleted.</param>
/// <param name="Count">
/// How many stored sessions the store deleted (possibly 0). The store's user index
/// (<see cref="Storage.ISessionUserIndex.RevokeUserAsync"/>) returns a count only, so the deleted sessions' handles are
/// not known.
/// </param>
/// <param name="Timestamp">When the event was raised, from the app's <see cref="TimeProvider"/>.</param>
public sealed record SessionsRevokedContext(string UserKey, long Count, DateTimeOffset Timestamp);
