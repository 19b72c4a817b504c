using Microsoft.AspNetCore.Authentication.Cookies;
using TypedSessions.Authentication;

namespace TypedSessions;

/// <summary>Server-side authentication tickets for cookie authentication.</summary>
public static class TypedSessionsCookieAuthenticationExtensions
{
    /// <summary>
    /// Keeps this cookie scheme's tickets in the TypedSessions store instead of in the cookie: the auth cookie carries only
    /// an opaque key (a 256-bit random id, 43 characters, stored as its SHA-256), whatever the number of claims; the
    /// ticket is bound to the user, so revoking the user's sessions ends it, and expires at its <c>ExpiresUtc</c>
    /// (capped by <see cref="TypedSessionOptions.AbsoluteTimeout"/>). Sets <see cref="CookieAuthenticationOptions.SessionStore"/>
    /// and <see cref="CookieAuthenticationOptions.TicketDataFormat"/>; needs <c>AddTypedSessions()</c> with a server-side
    /// store, and <c>UseTypedSessions()</c> before <c>UseAuthentication()</c> so that a store failure is a 503.
    /// </summary>
    /// <param name="options">The cookie scheme's options (in <c>AddCookie(o => o.UseTypedSessionsTicketStore())</c>).</param>
    /// <returns>The options.</returns>
    public static CookieAuthenticationOptions UseTypedSessionsTicketStore(this CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SessionStore = new TypedSessionsTicketStore();
        options.TicketDataFormat = new SessionIdTicketFormat();
        return options;
    }
}
