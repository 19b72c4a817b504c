using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopSample.Shop;

namespace ShopSample.Pages;

/// <summary><c>/preferences</c>: the theme switch. The layout applies the stored theme to every page.</summary>
internal sealed class PreferencesModel(ShopSession shop) : PageModel
{
    public IActionResult OnPost(string? theme)
    {
        Theme? chosen = theme switch
        {
            "light" => Theme.Light,
            "dark" => Theme.Dark,
            _ => null,
        };
        if (chosen is not { } value)
        {
            return BadRequest();
        }

        shop.Theme = value;
        return RedirectToPage();
    }
}
