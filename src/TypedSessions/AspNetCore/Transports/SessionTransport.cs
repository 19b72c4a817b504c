using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TypedSessions.Core;

namespace TypedSessions.AspNetCore.Transports;

/// <summary>
/// How a session travels with HTTP requests, chosen once at startup: the server-side id cookie
/// (<see cref="IdCookieTransport"/>) or the encrypted cookie that carries the whole session
/// (<see cref="EncryptedCookieTransport"/>). The middleware asks the transport to open each request's session and,
/// as the response starts, to decide its cookies; this class writes every session response header, in one place.
/// </summary>
internal abstract class SessionTransport
{
    protected SessionTransport(SessionEnvironment environment) => Environment = environment;

    /// <summary>Options, clock and codec.</summary>
    public SessionEnvironment Environment { get; }

    /// <summary>Reads the request's session cookie(s) and creates its session (loaded already when the cookie carries the data).</summary>
    /// <param name="context">The request.</param>
    /// <returns>The request's session.</returns>
    public abstract Session Open(HttpContext context);

    /// <summary>A session for an endpoint that opted out (<c>WithoutSession()</c>): every use throws.</summary>
    public abstract Session OpenDisabled();

    /// <summary>
    /// Writes the session's response headers as the response starts: <c>Vary: Cookie</c> when the session was used,
    /// the transport's <c>Set-Cookie</c> changes, and <c>Cache-Control: no-store</c> with any of them. Afterwards the
    /// session's id and cookie expiry cannot change.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="session">Its session.</param>
    /// <returns>A task.</returns>
    public async Task OnResponseStartingAsync(HttpContext context, Session session)
    {
        IReadOnlyList<SessionCookieChange> changes;
        try
        {
            if (session.IsDisabled)
            {
                return;
            }

            // Even for a failed request: what the transport saw when it opened the session is not undone by the endpoint.
            await RaisePendingEventsAsync(session).ConfigureAwait(false);
            if (session.IsAbandoned)
            {
                return;
            }

            changes = await CookieChangesAsync(context, session).ConfigureAwait(false);
        }
        finally
        {
            session.CloseCookie();
        }

        if (session.IsAbandoned)
        {
            return;
        }

        var response = context.Response;
        var headers = response.Headers;
        if (session.IsAccessed && !headers.Vary.Any(v => v is not null && v.Contains("Cookie", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Append(HeaderNames.Vary, "Cookie");
        }

        if (changes.Count == 0)
        {
            return;
        }

        var options = CookieOptionsFor(Environment.Options.Cookie, context.Request);
        var now = Environment.Now;
        foreach (var change in changes)
        {
            if (change.Value is null)
            {
                response.Cookies.Delete(change.Name, options);
                continue;
            }

            var write = new CookieOptions(options);
            if (change.Expires is { } end)
            {
                write.Expires = end;
                write.MaxAge = end > now ? end - now : TimeSpan.Zero;
            }

            response.Cookies.Append(change.Name, change.Value, write);
        }

        headers.CacheControl = "no-store";
    }

    /// <summary>
    /// Raises the session events the transport noted while opening the session (<see cref="Open"/> is synchronous) and
    /// has not raised yet; called as the response starts, also for a failed request. None by default.
    /// </summary>
    /// <param name="session">The request's session.</param>
    /// <returns>A task.</returns>
    protected virtual ValueTask RaisePendingEventsAsync(Session session) => ValueTask.CompletedTask;

    /// <summary>What the response's session cookies become (none: leave the browser's as they are).</summary>
    /// <param name="context">The request.</param>
    /// <param name="session">Its session, not abandoned.</param>
    /// <returns>The cookies to set or delete.</returns>
    protected abstract ValueTask<IReadOnlyList<SessionCookieChange>> CookieChangesAsync(HttpContext context, Session session);

    /// <summary>When a cookie for <paramref name="lifetime"/> should expire: <see langword="null"/> for a browser-session cookie.</summary>
    protected static DateTimeOffset? CookieExpiry(Storage.SessionLifetime lifetime, DateTimeOffset idleEnd)
        => lifetime.Mode == SessionExpiryMode.BrowserClose ? null : lifetime.AbsoluteExpiresAt ?? idleEnd;

    private static CookieOptions CookieOptionsFor(SessionCookieOptions cookie, HttpRequest request) => new()
    {
        Path = cookie.Path,
        Domain = string.IsNullOrEmpty(cookie.Domain) ? null : cookie.Domain,
        HttpOnly = cookie.HttpOnly,
        SameSite = cookie.SameSite,
        IsEssential = true,
        Secure = cookie.SecurePolicy switch
        {
            CookieSecurePolicy.Always => true,
            CookieSecurePolicy.None => false,
            _ => request.IsHttps,
        },
    };
}

/// <summary>One response cookie of the session: set to <paramref name="Value"/> until <paramref name="Expires"/>, or deleted (<paramref name="Value"/> null).</summary>
/// <param name="Name">The cookie's name.</param>
/// <param name="Value">The value; <see langword="null"/> deletes the cookie.</param>
/// <param name="Expires">When it expires; <see langword="null"/> for a browser-session cookie.</param>
internal readonly record struct SessionCookieChange(string Name, string? Value, DateTimeOffset? Expires);
