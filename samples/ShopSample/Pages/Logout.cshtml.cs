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
}
