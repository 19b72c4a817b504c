using TypedSessions;

namespace ShopSample.Shop;

/// <summary>
/// Logs what happens to sessions (registered with <c>AddEvents&lt;SessionEventLog&gt;()</c> in Program.cs): the session's
/// handle and user key only — a handle is a short hash of the session's store key and cannot be used to take the
/// session over, unlike the id in the cookie, which never reaches a handler. A real app might write an audit trail or
/// notify the user here ("a new sign-in on your account"); keep such work fast or queue it, as handlers run before the
/// response is sent.
/// </summary>
internal sealed partial class SessionEventLog(ILogger<SessionEventLog> logger) : ISessionEvents
{
    public ValueTask OnCreatedAsync(SessionCreatedContext context, CancellationToken cancellationToken)
    {
        Created(logger, context.Handle, context.UserKey ?? "(anonymous)");
        return ValueTask.CompletedTask;
    }

    public ValueTask OnIdCycledAsync(SessionIdCycledContext context, CancellationToken cancellationToken)
    {
        IdCycled(logger, context.OldHandle, context.NewHandle, context.UserKey ?? "(anonymous)");
        return ValueTask.CompletedTask;
    }

    public ValueTask OnFlushedAsync(SessionFlushedContext context, CancellationToken cancellationToken)
    {
        Flushed(logger, context.Handle, context.UserKey ?? "(anonymous)");
        return ValueTask.CompletedTask;
    }

    public ValueTask OnRevokedAsync(SessionsRevokedContext context, CancellationToken cancellationToken)
    {
        Revoked(logger, context.UserKey, context.Count);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnExpiredAsync(SessionExpiredContext context, CancellationToken cancellationToken)
    {
        if (context.Source == SessionExpirySource.Cleanup)
        {
            CleanedUp(logger, context.Count);
        }
        else
        {
            // With a server-side store this means "no live session under this id": usually an expiry, not certainly.
            ExpiredOnRequest(logger, context.Handle?.ToString() ?? "-", context.ExpiryConfirmed);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Session {SessionHandle} created (user {UserKey}).", EventName = "SessionCreated")]
    private static partial void Created(ILogger logger, SessionHandle sessionHandle, string userKey);

    [LoggerMessage(2, LogLevel.Information, "Session {OldSessionHandle} got a new id, now {SessionHandle} (user {UserKey}).", EventName = "SessionIdCycled")]
    private static partial void IdCycled(ILogger logger, SessionHandle oldSessionHandle, SessionHandle sessionHandle, string userKey);

    [LoggerMessage(3, LogLevel.Information, "Session {SessionHandle} ended (user {UserKey}).", EventName = "SessionFlushed")]
    private static partial void Flushed(ILogger logger, SessionHandle sessionHandle, string userKey);

    [LoggerMessage(4, LogLevel.Information, "All {Count} sessions of user {UserKey} were revoked.", EventName = "SessionsRevoked")]
    private static partial void Revoked(ILogger logger, string userKey, long count);

    [LoggerMessage(5, LogLevel.Information, "Cleanup deleted {Count} expired sessions.", EventName = "SessionsCleanedUp")]
    private static partial void CleanedUp(ILogger logger, long count);

    [LoggerMessage(6, LogLevel.Information, "A request presented session {SessionHandle}, which is not live (expiry confirmed: {ExpiryConfirmed}).", EventName = "SessionExpired")]
    private static partial void ExpiredOnRequest(ILogger logger, string sessionHandle, bool expiryConfirmed);
}
