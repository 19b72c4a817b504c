using Microsoft.AspNetCore.Http;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions;

// The encrypted cookie store: the whole record travels in the response's cookies, so it is encoded once,
// when the commit runs or when the response starts (whichever comes first), and cannot change afterwards.
public sealed partial class Session
{
    private bool _clientSide;
    private IReadOnlyList<string> _requestCookieNames = [];
    private string? _clientValue;
    private bool _clientPrepared;
    private bool _clientFailed;
    private int _clientPreparedStamp;

    internal void AdoptClientCookie(SessionId? id, SessionLoadResult result, IReadOnlyList<string> cookieNames)
    {
        _clientSide = true;
        _requestCookieNames = cookieNames;
        if (id is not null)
        {
            Adopt(id, result);
        }
    }

    // The endpoint or the commit failed: no cookie of this request is sent when an error response starts (for the
    // cookie store: not this request's changes).
    internal void Abandon()
    {
        // Once the session is saved its cookie must go out with whatever answer follows (the stored id may have changed).
        if (_state == State.Committed)
        {
            return;
        }

        _abandoned = true;
        if (_clientSide && !_clientPrepared)
        {
            _clientPrepared = true;
            _clientFailed = true;
        }
    }

    private void EnsureClientCookieOpen()
    {
        if (_clientSide && (_clientPrepared || _httpContext?.Response.HasStarted == true))
        {
            throw new InvalidOperationException(
                "The cookie session store writes the whole session into the response's cookies when the response starts, and that has happened; " +
                "this change could not be kept. Change the session before writing to the response body.");
        }
    }

    // Builds the protected cookie value from this request's state; at the commit after the cookie was sent, checks nothing changed since.
    // The caller has run CaptureInPlaceChanges.
    private void PrepareClientCookie()
    {

        if (_clientPrepared)
        {
            if (!_clientFailed && ChangeStamp != _clientPreparedStamp)
            {
                throw new SessionUnavailableException(
                    "The session was changed after the response started, when the cookie store had already sent it in the cookie; the change is lost. Change the session before writing to the response body.");
            }

            return;
        }

        _clientPrepared = true;
        _clientPreparedStamp = ChangeStamp;
        try
        {
            var limit = _coordinator.Options.MaxSessionSize;
            if (IsModified && _size > limit)
            {
                throw new SessionTooLargeException(null, _size, limit);
            }

            if (_id is null || !(IsModified || _touched))
            {
                return;
            }

            var now = _coordinator.Now;
            var lifetime = _lifetime!.Value;
            if (IsModified)
            {
                // A save slides the idle window, as it does in every server-side store.
                lifetime = lifetime.Touch(now, 0) ?? lifetime;
            }

            var record = new SessionRecord(
                _entries.ToDictionary(e => e.Key, e => e.Value.Bytes, StringComparer.Ordinal),
                _record?.CreatedAt ?? now,
                lifetime,
                (_persisted ? _record?.Version ?? 0 : 0) + 1,
                _userKey);
            _clientValue = _coordinator.CookieStore!.Protect(_id, record);
            _lifetime = lifetime;
        }
        catch
        {
            _clientFailed = true;
            _clientValue = null;
            throw;
        }
    }

    private void ApplyClientCookies(HttpResponse response)
    {
        if (_state == State.Loaded && !_clientPrepared)
        {
            CaptureInPlaceChanges();
            PrepareClientCookie();
        }

        if (_clientFailed)
        {
            return;
        }

        var cookie = _coordinator.Options.Cookie;
        var options = CookieOptionsFor(cookie, response.HttpContext.Request);
        if (_clientValue is not null)
        {
            var lifetime = _lifetime!.Value;
            var writeOptions = new CookieOptions(options);
            if (lifetime.Mode != SessionExpiryMode.BrowserClose)
            {
                var now = _coordinator.Now;
                var end = lifetime.AbsoluteExpiresAt ?? lifetime.ExpiresAt;
                writeOptions.Expires = end;
                writeOptions.MaxAge = end > now ? end - now : TimeSpan.Zero;
            }

            var written = _coordinator.CookieStore!.Chunk(cookie.EffectiveName, _clientValue);
            foreach (var (name, value) in written)
            {
                response.Cookies.Append(name, value, writeOptions);
            }

            foreach (var stale in _requestCookieNames)
            {
                if (!written.Any(w => string.Equals(w.Key, stale, StringComparison.Ordinal)))
                {
                    response.Cookies.Delete(stale, options);
                }
            }

            response.Headers.CacheControl = "no-store";
        }
        else if (_id is null && _requestCookieNames.Count > 0)
        {
            // Flushed, expired, tampered or foreign: drop every cookie of it.
            foreach (var name in _requestCookieNames)
            {
                response.Cookies.Delete(name, options);
            }

            response.Headers.CacheControl = "no-store";
        }
    }
}
