namespace TypedSessions;

/// <summary>
/// Callbacks for what happens to sessions — created, id cycled, flushed, revoked, expired — each raised only after the
/// store (or, with the encrypted cookie store, the response's cookie) took the change, and each naming sessions by
/// their non-secret <see cref="SessionHandle"/> and user key, never by id. Implement the methods you need (the others
/// do nothing) and register the implementation as a singleton: <c>AddTypedSessions().AddEvents&lt;AuditEvents&gt;()</c>
/// or <c>services.AddSingleton&lt;ISessionEvents, AuditEvents&gt;()</c>. Several implementations run in registration
/// order. See docs/session-events.md.
/// </summary>
/// <remarks>
/// <para>A handler runs inline, awaited, on the path that caused it: a request's events before its response is sent,
/// so keep handlers fast (hand slow work to a queue). Handlers run concurrently for concurrent requests and must be
/// thread-safe.</para>
/// <para>A handler that throws is logged (<c>SessionEventHandlerFailed</c>, event 30) and the next one runs: the
/// session operation already succeeded, so the request still gets its answer. With no implementation registered,
/// nothing is allocated or awaited for events.</para>
/// </remarks>
public interface ISessionEvents
{
    /// <summary>
    /// A new session was stored for the first time: a request's (or <see cref="ISessionManager.SaveAsync"/>'s) first
    /// write of a session that had no stored record, including the new session that follows a flush or a sign-in as
    /// another user.
    /// </summary>
    /// <param name="context">The new session's handle and user.</param>
    /// <param name="cancellationToken">Not cancelled for a request's commit (the write is stored); the caller's token on other paths.</param>
    /// <returns>A task.</returns>
    ValueTask OnCreatedAsync(SessionCreatedContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// A stored session moved to a new id (<see cref="Session.CycleId"/>, or <see cref="Session.SignIn"/> on an anonymous
    /// session or one of the same user) and the store committed the move; the old id now names a tombstone.
    /// </summary>
    /// <param name="context">The old and new handles and the user the session is bound to after the cycle.</param>
    /// <param name="cancellationToken">Not cancelled for a request's commit; the caller's token on other paths.</param>
    /// <returns>A task.</returns>
    ValueTask OnIdCycledAsync(SessionIdCycledContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// A stored session was ended (<see cref="Session.Flush"/>, or <see cref="Session.SignIn"/> as another user) and the
    /// store committed the end: its id now names a tombstone. Not raised when the session had already gone (expired,
    /// revoked or ended by another request) — nothing was ended then.
    /// </summary>
    /// <param name="context">The ended session's handle and the user it was bound to.</param>
    /// <param name="cancellationToken">Not cancelled for a request's commit; the caller's token on other paths.</param>
    /// <returns>A task.</returns>
    ValueTask OnFlushedAsync(SessionFlushedContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Every session of a user was deleted ("log out everywhere": <see cref="ISessionManager.RevokeUserAsync"/> or
    /// <see cref="Session.RevokeUserSessionsAsync"/>). The store reports how many, not which.
    /// </summary>
    /// <param name="context">The user and the number of sessions deleted.</param>
    /// <param name="cancellationToken">The revoking caller's token.</param>
    /// <returns>A task.</returns>
    ValueTask OnRevokedAsync(SessionsRevokedContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Expired sessions were seen: by the cleanup pass (a count, no handles) or by a request that presented the id of a
    /// session that is not live (<see cref="SessionExpiredContext.Source"/>; see <see cref="SessionExpiredContext.ExpiryConfirmed"/>
    /// for what a server-side store can and cannot tell).
    /// </summary>
    /// <param name="context">Where the expiry was seen, the handle (request) or count (cleanup).</param>
    /// <param name="cancellationToken">The cleanup's token; not cancelled for a request.</param>
    /// <returns>A task.</returns>
    ValueTask OnExpiredAsync(SessionExpiredContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
