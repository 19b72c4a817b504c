using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using ShopSample.Api;
using ShopSample.Shop;
using TypedSessions;

namespace ShopSample.Pages;

/// <summary>
/// <c>/login</c>: the form posts username and password (with an antiforgery token, checked by Razor Pages).
/// Success signs in with cookie authentication (<see cref="ShopSignIn"/>: a new session id, the session bound to the
/// user, the auth cookie), stores the user in the session and goes back to the page that asked for a login, else home.
/// Posts share the login rate limit with <c>POST /api/login</c>; a post the same-origin rule refuses is a 403
/// (the rate limit does not count such posts, so they must never reach the password check).
/// </summary>
[EnableRateLimiting(LoginRateLimit.PolicyName)]
internal sealed class LoginModel(ShopSession shop, DemoUserDirectory users) : PageModel
{
    /// <summary>The username typed, shown again after a failed attempt (the password never is).</summary>
    public string? Username { get; private set; }

    /// <summary>Why the last attempt failed, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Who is logged in already, or <see langword="null"/>.</summary>
    public string? LoggedInAs => shop.Username;

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        if (SameOriginFilter.IsRefused(Request, out var reason))
        {
            return new ContentResult { StatusCode = StatusCodes.Status403Forbidden, Content = reason, ContentType = "text/plain; charset=utf-8" };
        }

        var user = users.Find(username ?? "", password ?? "");
        if (user is null)
        {
            // The session is not touched, as with POST /api/login.
            Username = username;
            Error = "Unknown username or wrong password.";
            return Page();
        }

        await ShopSignIn.SignInAsync(HttpContext, shop, user);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
