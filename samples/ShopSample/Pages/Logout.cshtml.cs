using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopSample.Shop;

namespace ShopSample.Pages;

/// <summary>
/// <c>/logout</c>: a page with the logout button (GET never logs out, so a link or a prefetch cannot end a session).
/// The POST flushes the session: stored data deleted, cookie removed.
/// </summary>
internal sealed class LogoutModel(ShopSession shop) : PageModel
{
    public string? Username => shop.Username;

    public IActionResult OnPost()
    {
        shop.Core.Flush();
        return LocalRedirect("/");
    }

    /// <summary>Ends every session of this user (every device), this one included.</summary>
    /// <param name="cancellationToken">Cancels the revoke.</param>
    /// <returns>A redirect home.</returns>
    public async Task<IActionResult> OnPostEverywhereAsync(CancellationToken cancellationToken)
    {
        if (shop.Core.UserKey is null)
        {
            shop.Core.Flush();
        }
        else
        {
            await shop.Core.RevokeUserSessionsAsync(cancellationToken);
        }

        return LocalRedirect("/");
    }
}
