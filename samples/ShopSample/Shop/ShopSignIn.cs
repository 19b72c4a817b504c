using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using TypedSessions;

namespace ShopSample.Shop;

/// <summary>
/// Signing in and out with cookie authentication. <c>HttpContext.SignInAsync</c> signs the session in too (TypedSessions'
/// hook: a new id, the session bound to the user, another user's session flushed first) and <c>SignOutAsync</c> flushes
/// it; the session keeps <c>username</c> and <c>uid</c> as before, so <c>/api/session</c> and the pages read the user
/// from it. With a server-side store the auth ticket lives in the session store (<c>UseTypedSessionsTicketStore()</c>).
/// </summary>
internal static class ShopSignIn
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The auth cookie: Secure, HttpOnly, SameSite=Lax, host-only like the session cookie.</summary>
    public const string CookieName = "__Host-shop-auth";

    /// <summary>The user key the session and the ticket are bound to: the user id as invariant text.</summary>
    public static string UserKeyOf(DemoUser user) => user.UserId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Signs <paramref name="user"/> in (session and auth cookie) and stores the username and user id in the session.</summary>
    /// <exception cref="SessionTooLargeException">The user does not fit in the session; nothing was signed in.</exception>
    public static async Task SignInAsync(HttpContext http, ShopSession shop, DemoUser user)
    {
        var userKey = UserKeyOf(user);

        // Written first when the sign-in keeps the data (an anonymous visitor or the same user), so that a session too
        // full to take them fails (413) before a ticket is stored or an auth cookie sent. A session of another user is
        // flushed by the sign-in: the user is written into the new one afterwards (both writes set the same values).
        if (shop.Core.UserKey is null || shop.Core.UserKey == userKey)
        {
            Remember(shop, user);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userKey), new Claim(ClaimTypes.Name, user.Username)],
            Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        Remember(shop, user);
    }

    /// <summary>
    /// Logs this browser out: with a signed-in auth ticket, <c>SignOutAsync</c> (the ticket deleted, the auth cookie
    /// dropped, the session flushed); without one, the session is flushed alone (no auth cookie to delete, so a visitor
    /// who never logged in gets no Set-Cookie).
    /// </summary>
    public static async Task SignOutAsync(HttpContext http, ShopSession shop)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            await http.SignOutAsync(Scheme);
        }
        else
        {
            shop.Core.Flush();
        }
    }

    /// <summary>The user key of the request's signed-in auth ticket, or <see langword="null"/>.</summary>
    public static string? SignedInUserKey(HttpContext http)
        => http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(ClaimTypes.NameIdentifier)?.Value : null;

    private static void Remember(ShopSession shop, DemoUser user)
    {
        shop.Username = user.Username;
        shop.UserId = user.UserId;
    }
}
