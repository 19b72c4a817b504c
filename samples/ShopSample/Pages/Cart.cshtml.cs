using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ShopSample.Shop;

namespace ShopSample.Pages;

/// <summary>
/// <c>/cart</c>: lists the cart (the view reads the typed session), adds catalog articles and empties it.
/// Each POST answers with a redirect, so reloading the page never repeats it.
/// </summary>
internal sealed class CartModel(ShopSession shop) : PageModel
{
    /// <summary>Why the last add was refused, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    public IActionResult OnPostAdd(string? sku, int? qty)
    {
        if (Catalog.Find(sku) is not { } product)
        {
            Error = "That article is not in the catalog.";
            return Page();
        }

        if (qty is not (>= 1 and <= ShopCart.MaxQty))
        {
            Error = $"Choose a quantity from 1 to {ShopCart.MaxQty}.";
            return Page();
        }

        shop.Cart = ShopCart.Add(shop.Cart, product.Sku, qty.Value);
        return RedirectToPage();
    }

    public IActionResult OnPostEmpty()
    {
        // Removing an absent key changes nothing, so emptying an empty cart creates no session.
        shop.Core.Remove(ShopSessionKeys.Cart);
        return RedirectToPage();
    }
}
