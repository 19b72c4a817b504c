namespace TypedSessions.Storage;

/// <summary>
/// Optional store capability behind "your sessions" (<see cref="ISessionManager.ListUserSessionsAsync"/>): the store keys of
/// the sessions bound to a user. Implemented by the stores with a user index (Memory, File, SQLite, PostgreSQL, Redis).
/// </summary>
public interface ISessionUserListing
{
    /// <summary>
    /// The store keys of the sessions bound to <paramref name="userKey"/> and not expired at <paramref name="now"/>. The
    /// list may hold stale entries (a session re-bound, ended or expired meanwhile): callers load each key and check it.
    /// </summary>
    /// <param name="userKey">The user key the sessions were bound with (compared ordinally).</param>
    /// <param name="now">The instant expiry is judged at.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store keys.</returns>
    ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default);
}
