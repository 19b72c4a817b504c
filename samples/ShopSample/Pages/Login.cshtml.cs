using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopSample.Shop;

namespace ShopSample.Pages;

/// <summary>
/// <c>/login</c>: the form posts username and password (with an antiforgery token, checked by Razor Pages).
/// Success cycles the session id (fixation defence), stores the user and binds the session to them.
/// </summary>
internal sealed class LoginModel(ShopSession shop, DemoUserDirectory users) : PageModel
{
    /// <summary>The username typed, shown again after a failed attempt (the password never is).</summary>
    public string? Username { get; private set; }

    /// <summary>Why the last attempt failed, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Who is logged in already, or <see langword="null"/>.</summary>
    public string? LoggedInAs => shop.Username;

    public IActionResult OnPost(string? username, string? password)
    {
        var user = users.Find(username ?? "", password ?? "");
        if (user is null)
        {
            // The session is not touched, as with POST /api/login.
            Username = username;
            Error = "Unknown username or wrong password.";
            return Page();
        }

        shop.Core.CycleId();
        shop.Username = user.Username;
        shop.UserId = user.UserId;
        shop.Core.BindUser(user.UserId.ToString(CultureInfo.InvariantCulture));
        return LocalRedirect("/");
    }
}
