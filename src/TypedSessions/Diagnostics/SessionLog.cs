using Microsoft.Extensions.Logging;

namespace TypedSessions.Diagnostics;

/// <summary>Log messages with stable event ids. Session ids appear only as a short hash (<c>LogId</c>).</summary>
internal static partial class SessionLog
{
    [LoggerMessage(1, LogLevel.Debug, "Session {SessionHash} loaded ({KeyCount} keys, touched: {Touched}).", EventName = "SessionLoaded")]
    public static partial void Loaded(ILogger logger, string sessionHash, int keyCount, bool touched);

    [LoggerMessage(2, LogLevel.Debug, "Session {SessionHash} is unknown or expired; it is not adopted.", EventName = "SessionNotFound")]
    public static partial void NotFound(ILogger logger, string sessionHash);

    [LoggerMessage(3, LogLevel.Debug, "Ignored a session cookie that is not a well-formed id.", EventName = "MalformedCookie")]
    public static partial void MalformedCookie(ILogger logger);

    [LoggerMessage(4, LogLevel.Error, "Session {SessionHash} has corrupt stored data; it is treated as absent and left untouched.", EventName = "SessionCorrupt")]
    public static partial void Corrupt(ILogger logger, string sessionHash, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Session store {Operation} failed for session {SessionHash}.", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, string operation, string sessionHash, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Session store {Operation} for session {SessionHash} did not finish within {Timeout}.", EventName = "StoreTimedOut")]
    public static partial void StoreTimedOut(ILogger logger, string operation, string sessionHash, TimeSpan timeout);

    [LoggerMessage(7, LogLevel.Debug, "Session {SessionHash} created.", EventName = "SessionCreated")]
    public static partial void Created(ILogger logger, string sessionHash);

    [LoggerMessage(8, LogLevel.Debug, "Session {SessionHash} saved ({SetCount} set, {RemovedCount} removed, cleared: {Cleared}).", EventName = "SessionSaved")]
    public static partial void Saved(ILogger logger, string sessionHash, int setCount, int removedCount, bool cleared);

    [LoggerMessage(9, LogLevel.Warning, "Session {SessionHash} was {How} before this request committed; nothing was saved or re-created and no cookie is set (409).", EventName = "SessionInterrupted")]
    public static partial void Interrupted(ILogger logger, string sessionHash, string how);

    [LoggerMessage(10, LogLevel.Debug, "Session {SessionHash} deleted.", EventName = "SessionDeleted")]
    public static partial void Deleted(ILogger logger, string sessionHash);

    [LoggerMessage(11, LogLevel.Warning, "Session store unavailable; answering 503 with Retry-After {RetryAfterSeconds} s.", EventName = "ServiceUnavailable")]
    public static partial void ServiceUnavailable(ILogger logger, int retryAfterSeconds);

    [LoggerMessage(12, LogLevel.Error, "Saving the session failed after the response started; the connection is aborted so the client does not take the request as successful.", EventName = "CommitFailedAfterStart")]
    public static partial void CommitFailedAfterStart(ILogger logger, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "Expired-session cleanup deleted {Count} sessions.", EventName = "CleanupCompleted")]
    public static partial void CleanupCompleted(ILogger logger, long count);

    [LoggerMessage(14, LogLevel.Error, "Expired-session cleanup failed.", EventName = "CleanupFailed")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Information, "TypedSessions uses the {Store} store.", EventName = "StoreSelected")]
    public static partial void StoreSelected(ILogger logger, string store);

    [LoggerMessage(16, LogLevel.Warning, "Ignored the session cookie: it holds {Reason}. The request gets a fresh session.", EventName = "CookieRejected")]
    public static partial void CookieRejected(ILogger logger, string reason);

    [LoggerMessage(17, LogLevel.Information, "The request carried session {SessionHash}, which was cycled or flushed moments ago (tombstone); the session is empty and read-only for this request and no cookie is set.", EventName = "SessionSuperseded")]
    public static partial void Superseded(ILogger logger, string sessionHash);

    [LoggerMessage(18, LogLevel.Debug, "Session {SessionHash}: the value '{Key}' was changed by another request after this one read it; nothing was saved (409).", EventName = "SessionConflict")]
    public static partial void Conflict(ILogger logger, string sessionHash, string key);

    [LoggerMessage(19, LogLevel.Warning, "Ignored the session cookie: {Count} cookies named {CookieName} with different values (possibly planted); the request is treated as having no session.", EventName = "AmbiguousCookie")]
    public static partial void AmbiguousCookie(ILogger logger, int count, string cookieName);

    [LoggerMessage(20, LogLevel.Debug, "Session {SessionHash} cycled to {NewSessionHash}; the old key is a tombstone.", EventName = "SessionCycled")]
    public static partial void Cycled(ILogger logger, string sessionHash, string newSessionHash);

    [LoggerMessage(21, LogLevel.Warning, "No session store is chosen, so the Development environment uses the in-memory store: sessions are lost when the app stops and are not shared between instances. Choose one with TypedSessions:Store or an Add…Store() call; outside Development, no store chosen is a startup error.", EventName = "DevelopmentMemoryStore")]
    public static partial void DevelopmentMemoryStore(ILogger logger);

    [LoggerMessage(22, LogLevel.Warning, "Microsoft.AspNetCore.Session is registered too (AddSession()): HttpContext.Session is the session of whichever middleware, UseSession() or UseTypedSessions(), runs last for a request, and the two keep separate cookies and data. Remove AddSession() and UseSession() once code has moved (docs/migrating-from-aspnetcore-session.md).", EventName = "BuiltInSessionAlsoRegistered")]
    public static partial void BuiltInSessionAlsoRegistered(ILogger logger);

    [LoggerMessage(23, LogLevel.Warning, "A stored authentication ticket could not be read; the request is anonymous.", EventName = "AuthTicketUnreadable")]
    public static partial void AuthTicketUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(30, LogLevel.Error, "The session event handler {Handler} threw from {Event} (session handle {SessionHandle}); the session operation had already succeeded and stands, and the other handlers still run.", EventName = "SessionEventHandlerFailed")]
    public static partial void EventHandlerFailed(ILogger logger, string handler, string @event, string sessionHandle, Exception exception);
}
