using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ShopSample.BrowserTests;

/// <summary>What a visitor does in the shop, through the pages' own forms.</summary>
internal static class Shop
{
    public const string SessionCookie = "__Host-session";

    /// <summary>The cookie authentication cookie (with the ticket store: only the key of the ticket on the server).</summary>
    public const string AuthCookie = "__Host-shop-auth";

    public static async Task LoginAsync(IPage page, string username = "alice", string password = "wonderland")
    {
        await page.GotoAsync("/login");
        await page.Locator("main input[name=username]").FillAsync(username);
        await page.Locator("main input[name=password]").FillAsync(password);
        await page.Locator("main form button[type=submit]").ClickAsync();
    }

    public static async Task AddToCartAsync(IPage page, string sku, int qty)
    {
        await page.GotoAsync("/cart");
        await page.Locator($"#qty-{sku}").FillAsync(qty.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator($"#product-{sku} button[type=submit]").ClickAsync();
        await Expect(page.Locator($"#cart tr[data-sku='{sku}']")).ToBeVisibleAsync();
    }

    public static async Task ChooseThemeAsync(IPage page, string theme)
    {
        await page.GotoAsync("/preferences");
        await page.Locator($"input[name=theme][value={theme}]").CheckAsync();
        await page.Locator("#save-preferences").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
    }

    /// <summary>The session cookie in the context's jar, or <see langword="null"/>.</summary>
    public static async Task<BrowserContextCookiesResult?> SessionCookieAsync(IBrowserContext context)
        => (await context.CookiesAsync()).SingleOrDefault(c => c.Name == SessionCookie);

    public static ILocator Greeting(IPage page) => page.Locator("#greeting");

    public static ILocator CartRowQty(IPage page, string sku) => page.Locator($"#cart tr[data-sku='{sku}'] .qty");
}
