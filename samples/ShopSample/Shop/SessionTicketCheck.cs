using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using TypedSessions;

namespace ShopSample.Shop;

/// <summary>
/// Keeps the session and the auth ticket in agreement, after <c>UseAuthentication()</c>:
/// <list type="bullet">
/// <item>A request whose session is bound to a user and which carries the auth cookie, but whose ticket does not sign
/// that user in (the device was ended from "Your sessions", the user's sessions were revoked, the ticket expired), is
/// logged out: <c>SignOutAsync</c> flushes the session and drops the auth cookie.</item>
/// <item>A request whose ticket signs a user in while its session is not bound to that user (the session expired, or
/// only the auth cookie was copied) is treated as anonymous for this request; nothing is deleted.</item>
/// </list>
/// A request without the auth cookie is left alone: a client that holds only the session cookie (a script that kept
/// the <c>__Host-session</c> cookie from <c>POST /api/login</c>) sees the user in <c>/api/session</c> as before.
/// </summary>
internal static class SessionTicketCheck
{
    public static IApplicationBuilder UseSessionTicketCheck(this IApplicationBuilder app)
        => app.Use(async (http, next) =>
        {
            await CheckAsync(http);
            await next(http);
        });

    private static async Task CheckAsync(HttpContext http)
    {
        // Endpoints without a session (GET /health) and static files are not checked.
        if (http.GetEndpoint()?.Metadata.GetMetadata<IDisableSessionMetadata>() is not null
            || http.Features.Get<ITypedSessionFeature>()?.Session is not { } session)
        {
            return;
        }

        await session.LoadAsync(http.RequestAborted);
        var sessionUser = session.UserKey;
        var ticketUser = ShopSignIn.SignedInUserKey(http);
        if (sessionUser is not null && ticketUser != sessionUser && http.Request.Cookies.ContainsKey(ShopSignIn.CookieName))
        {
            await http.SignOutAsync(ShopSignIn.Scheme);
            http.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
        else if (ticketUser is not null && ticketUser != sessionUser)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
    }
}
