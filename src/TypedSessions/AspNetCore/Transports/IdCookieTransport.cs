using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;

namespace TypedSessions.AspNetCore.Transports;

/// <summary>
/// The server-side stores' transport: the cookie carries only the session id; the session loads and commits through
/// the <see cref="SessionCoordinator"/> (the store). Reads the id from the raw <c>Cookie</c> header
/// (<see cref="SessionCookieReader"/>); sets the cookie when the id or its expiry changes, deletes it after a flush.
/// </summary>
internal sealed class IdCookieTransport(SessionCoordinator coordinator, ILogger<IdCookieTransport> logger)
    : SessionTransport(coordinator.Environment)
{
    public override Session Open(HttpContext context)
    {
        SessionId? cookieId = null;
        var name = Environment.Options.Cookie.EffectiveName;
        var read = SessionCookieReader.Read(context.Request.Headers.Cookie, name);
        if (read.Value is { } cookieValue && !SessionId.TryParse(cookieValue, out cookieId))
        {
            SessionLog.MalformedCookie(logger);
        }

        var session = new Session(coordinator, cookieId);
        if (read.Ambiguous > 0)
        {
            SessionLog.AmbiguousCookie(logger, read.Ambiguous, name);
            session.RefuseChanges();
        }

        return session;
    }

    public override Session OpenDisabled() => new(coordinator, null, disabled: true);

    protected override ValueTask<IReadOnlyList<SessionCookieChange>> CookieChangesAsync(HttpContext context, Session session)
    {
        // A new collection changed in place may establish the session: decide before the cookie is due.
        session.CaptureNewValuesBeforeCookie();
        var name = Environment.Options.Cookie.EffectiveName;
        if (session.Id is { } id && session.Lifetime is { } lifetime && CookieNeedsSending(session, lifetime))
        {
            var idleEnd = (lifetime.Touch(Environment.Now, 0) ?? lifetime).ExpiresAt;
            return ValueTask.FromResult<IReadOnlyList<SessionCookieChange>>([new SessionCookieChange(name, id.Value, CookieExpiry(lifetime, idleEnd))]);
        }

        if (session.Id is null && session.WasFlushed && session.CookieId is not null)
        {
            return ValueTask.FromResult<IReadOnlyList<SessionCookieChange>>([new SessionCookieChange(name, null, null)]);
        }

        return ValueTask.FromResult<IReadOnlyList<SessionCookieChange>>([]);
    }

    // A new or cycled id, a chosen expiry, or — without an absolute cap — any slide of the sliding expiry, which the
    // cookie's own expiry follows.
    private static bool CookieNeedsSending(Session session, Storage.SessionLifetime lifetime)
    {
        var followsSliding = lifetime.AbsoluteExpiresAt is null && lifetime.Mode != SessionExpiryMode.BrowserClose;
        return session.IdChanged || session.LifetimeChanged || (followsSliding && (session.WasTouched || session.IsModified));
    }
}
