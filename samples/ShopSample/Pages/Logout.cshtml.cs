using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopSample.Shop;

namespace ShopSample.Pages;

/// <summary>
/// <c>/logout</c>: a page with the logout button (GET never logs out, so a link or a prefetch cannot end a session).
/// The POST signs out: stored data deleted, session cookie removed, auth ticket and cookie gone.
/// </summary>
internal sealed class LogoutModel(ShopSession shop) : PageModel
{
    public string? Username => shop.Username;

    public async Task<IActionResult> OnPostAsync()
    {
        await ShopSignIn.SignOutAsync(HttpContext, shop);
        return LocalRedirect("/");
    }

    /// <summary>Ends every session of this user (every device), this one included.</summary>
    /// <param name="cancellationToken">Cancels the revoke.</param>
    /// <returns>A redirect home.</returns>
    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken cancellationToken)
    {
        if (shop.Core.UserKey is not null)
        {
            // The user's auth tickets are bound to them too: they end with the sessions.
            await shop.Core.RevokeUserSessionsAsync(cancellationToken);
        }

        await ShopSignIn.SignOutAsync(HttpContext, shop);
        return LocalRedirect("/");
    }
}
