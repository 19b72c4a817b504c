using TypedSessions.Storage;

namespace TypedSessions;

/// <summary>
/// Sessions outside a request — from a background job, a console tool or a unit test — with the same
/// <see cref="Session"/> API and the same commit as a request: a per-key merge with whatever other requests wrote, the
/// conflict checks of <see cref="TypedSessionOptions.Concurrency"/>, the store timeout and the failure exceptions.
/// Resolve it from DI after <c>AddTypedSessions()</c> (a server-side store must be chosen: the encrypted cookie store
/// keeps nothing to open), or create one over memory with <see cref="SessionManager.CreateInMemory"/>.
/// </summary>
/// <remarks>
/// A session opened here is one unit of work: open, read and change it, then <see cref="SaveAsync"/> once; later
/// changes to the same instance throw. A session id (the cookie value) is a bearer secret; store keys (its SHA-256)
/// are what the store and the logs see.
/// </remarks>
public interface ISessionManager
{
    /// <summary>A new, empty session. It gets an id at its first change and is stored by <see cref="SaveAsync"/>.</summary>
    /// <returns>The session.</returns>
    Session Create();

    /// <summary>
    /// Opens the session whose id (the cookie value) is <paramref name="sessionId"/>. When there is none (unknown,
    /// expired, ended or malformed id) the session is new and empty (<see cref="Session.IsNew"/>), and changing it
    /// starts a new session with a new id, as a request would.
    /// </summary>
    /// <param name="sessionId">The session id, as carried in the cookie.</param>
    /// <param name="cancellationToken">Cancels waiting for the load.</param>
    /// <returns>The loaded session.</returns>
    /// <exception cref="SessionUnavailableException">The store failed or timed out.</exception>
    ValueTask<Session> OpenAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Opens a session by its store key (the SHA-256 of its id, 64 lowercase hex characters, as stores, logs and the CLI show it).</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="cancellationToken">Cancels waiting for the load.</param>
    /// <returns>The loaded session (new and empty when there is none).</returns>
    /// <exception cref="ArgumentException"><paramref name="storeKey"/> is not a store key.</exception>
    /// <exception cref="SessionUnavailableException">The store failed or timed out.</exception>
    ValueTask<Session> OpenByStoreKeyAsync(string storeKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits what was changed on <paramref name="session"/> (created or opened by this manager): a per-key merge into the
    /// stored session, a cycle, a new session, or the end of a flushed one — all or nothing.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">
    /// Cancels waiting for the store. The store call itself is bounded by <see cref="TypedSessionOptions.StoreTimeout"/>
    /// and is not cancelled: a save whose wait was cancelled may still be applied.
    /// </param>
    /// <returns>The session's id and store key after the commit.</returns>
    /// <exception cref="SessionUnavailableException">The store failed or timed out; nothing was written.</exception>
    /// <exception cref="SessionInterruptedException">Another request cycled, flushed or ended the session meanwhile; nothing was written.</exception>
    /// <exception cref="SessionConflictException">A key read and then written here changed meanwhile; nothing was written.</exception>
    /// <exception cref="SessionTooLargeException">The session would exceed its size limit; nothing was written.</exception>
    ValueTask<SessionSaveResult> SaveAsync(Session session, CancellationToken cancellationToken = default);

    /// <summary>Ends the session stored under <paramref name="storeKey"/> (its id stops working at once). Raises no session event.</summary>
    /// <param name="storeKey">The store key.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>Whether a session was deleted.</returns>
    /// <exception cref="ArgumentException"><paramref name="storeKey"/> is not a store key.</exception>
    /// <exception cref="SessionUnavailableException">The store failed, or a store call did not answer within <see cref="TypedSessionOptions.StoreTimeout"/>.</exception>
    ValueTask<bool> DeleteByStoreKeyAsync(string storeKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// "Log out everywhere": deletes every session bound to <paramref name="userKey"/> (<see cref="Session.BindUser"/>),
    /// then raises <see cref="ISessionEvents.OnRevokedAsync"/> with the count.
    /// </summary>
    /// <param name="userKey">The user.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>How many sessions were deleted.</returns>
    /// <exception cref="NotSupportedException">The store keeps no user index (<see cref="ISessionUserIndex"/>).</exception>
    /// <exception cref="SessionUnavailableException">The store failed, or a store call did not answer within <see cref="TypedSessionOptions.StoreTimeout"/>.</exception>
    ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// "Your sessions": the devices <paramref name="userKey"/> is signed in on — the live sessions bound to the user, a
    /// device's request session and authentication ticket grouped as one when client info is recorded
    /// (<see cref="ActiveSessionOptions.RecordClientInfo"/>; without it each stored session is its own entry), most
    /// recently seen first. Reads every listed session, each store call bounded by
    /// <see cref="TypedSessionOptions.StoreTimeout"/>.
    /// </summary>
    /// <param name="userKey">The user.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>The devices.</returns>
    /// <exception cref="NotSupportedException">The store cannot list a user's sessions (<see cref="ISessionUserListing"/>).</exception>
    /// <exception cref="SessionUnavailableException">The store failed, or a store call did not answer within <see cref="TypedSessionOptions.StoreTimeout"/>.</exception>
    ValueTask<IReadOnlyList<UserSessionInfo>> ListUserSessionsAsync(string userKey, CancellationToken cancellationToken = default);

    /// <summary>Ends every stored session of one of <paramref name="userKey"/>'s devices (a "sign out this device" button).</summary>
    /// <param name="userKey">The user; a handle of another user's device ends nothing.</param>
    /// <param name="handle">The device's <see cref="UserSessionInfo.Handle"/>.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>How many stored sessions were deleted (0: no such device of this user).</returns>
    /// <exception cref="NotSupportedException">The store cannot list a user's sessions.</exception>
    /// <exception cref="SessionUnavailableException">The store failed, or a store call did not answer within <see cref="TypedSessionOptions.StoreTimeout"/>.</exception>
    ValueTask<long> EndUserSessionAsync(string userKey, string handle, CancellationToken cancellationToken = default);

    /// <summary>Ends every device of <paramref name="current"/>'s user but the one <paramref name="current"/> belongs to ("sign out all other devices").</summary>
    /// <param name="current">The request's session (bound to the user).</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>How many stored sessions were deleted.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="current"/> is not bound to a user.</exception>
    /// <exception cref="NotSupportedException">The store cannot list a user's sessions.</exception>
    /// <exception cref="SessionUnavailableException">The store failed, or a store call did not answer within <see cref="TypedSessionOptions.StoreTimeout"/>.</exception>
    ValueTask<long> EndOtherUserSessionsAsync(Session current, CancellationToken cancellationToken = default);

    /// <summary>The <see cref="UserSessionInfo.Handle"/> of the device <paramref name="session"/> belongs to ("this device"), or <see langword="null"/> before it is stored.</summary>
    /// <param name="session">A session.</param>
    /// <returns>The handle.</returns>
    string? HandleOf(Session session);

    /// <summary>
    /// Deletes the sessions expired now (Django's <c>clearsessions</c>); no store timeout applies. When any were deleted,
    /// raises <see cref="ISessionEvents.OnExpiredAsync"/> once with the count (<see cref="SessionExpirySource.Cleanup"/>).
    /// </summary>
    /// <param name="progress">Receives progress after each batch.</param>
    /// <param name="cancellationToken">Stops between batches; what was deleted stays deleted.</param>
    /// <returns>How many were deleted.</returns>
    ValueTask<long> DeleteExpiredAsync(IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Counts live and expired sessions and sizes the live ones.</summary>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="NotSupportedException">The store cannot report statistics (<see cref="ISessionStoreStatistics"/>).</exception>
    ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);
}

/// <summary>A session's identity after <see cref="ISessionManager.SaveAsync"/>.</summary>
/// <param name="SessionId">
/// The id to hand to a client (the cookie value; a bearer secret): <see langword="null"/> when no session remains
/// (flushed, or nothing to store) or when the session was opened by store key and kept its id.
/// </param>
/// <param name="StoreKey">The store key (SHA-256 of the id); <see langword="null"/> when no session remains.</param>
public sealed record SessionSaveResult(string? SessionId, string? StoreKey);
