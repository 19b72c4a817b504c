namespace TypedSessions.Storage;

/// <summary>
/// Implemented by stores that can find every session bound to a user (<see cref="SessionRecord.UserKey"/>,
/// set by <see cref="Session.BindUser"/>): "log out everywhere". Such stores declare
/// <see cref="SessionStoreCapabilities.UserIndex"/>.
/// </summary>
public interface ISessionUserIndex
{
    /// <summary>Deletes every session bound to <paramref name="userKey"/>.</summary>
    /// <param name="userKey">The user key the sessions were bound with (compared ordinally).</param>
    /// <param name="cancellationToken">Cancels the call; sessions already deleted stay deleted.</param>
    /// <returns>How many sessions were deleted (bound sessions that had expired but were not cleaned up yet may be counted).</returns>
    ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default);
}
