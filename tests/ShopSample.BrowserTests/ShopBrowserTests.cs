using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ShopSample.BrowserTests;

/// <summary>The sample shop in headless Chromium: pages, forms, and the session cookie as the browser keeps it.</summary>
[Collection(ShopInABrowser.Name)]
public sealed class ShopBrowserTests(ShopFixture shop)
{
    private const string LaptopUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
    private const string PhoneUserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    [Fact]
    public async Task Login_cart_and_theme_are_all_kept_across_a_reload()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Please log in.");

        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await Shop.AddToCartAsync(page, "tea", 2);
        await Shop.AddToCartAsync(page, "tea", 1);
        await Shop.AddToCartAsync(page, "mug", 1);
        await Shop.ChooseThemeAsync(page, "dark");

        await page.GotoAsync("/");
        await page.ReloadAsync();

        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(page.Locator("#cart-count")).ToHaveTextAsync("4");
        await page.GotoAsync("/cart");
        await page.ReloadAsync();
        await Expect(Shop.CartRowQty(page, "tea")).ToHaveTextAsync("3");
        await Expect(Shop.CartRowQty(page, "mug")).ToHaveTextAsync("1");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_Secure_Lax_and_unreadable_from_script()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");

        var cookie = await Shop.SessionCookieAsync(context);

        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal("localhost", cookie.Domain);
        var script = await page.EvaluateAsync<string>("document.cookie");
        Assert.DoesNotContain(Shop.SessionCookie, script, StringComparison.Ordinal);
        Assert.DoesNotContain(cookie.Value, script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_in_changes_the_cookie_value_and_keeps_the_cart()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await Shop.AddToCartAsync(page, "honey", 2);
        var before = await Shop.SessionCookieAsync(context);
        Assert.NotNull(before);

        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");

        var after = await Shop.SessionCookieAsync(context);
        Assert.NotNull(after);
        Assert.NotEqual(before.Value, after.Value);
        await Expect(page.Locator("#cart-count")).ToHaveTextAsync("2");

        // The anonymous id died with the login: replayed in another browser, it carries nothing.
        await using var replay = await shop.NewContextAsync();
        await replay.AddCookiesAsync([ReplayOf(before)]);
        var replayPage = await replay.NewPageAsync();
        await replayPage.GotoAsync("/");
        await Expect(Shop.Greeting(replayPage)).ToHaveTextAsync("Please log in.");
        await Expect(replayPage.Locator("#cart-count")).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task Logout_returns_to_please_log_in_and_the_old_cookie_set_back_shows_nothing()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await Shop.AddToCartAsync(page, "kettle", 1);
        var old = await Shop.SessionCookieAsync(context);
        Assert.NotNull(old);

        await page.Locator("header a", new() { HasText = "Log out" }).ClickAsync();
        await page.Locator("#logout").ClickAsync();

        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Please log in.");
        Assert.Null(await Shop.SessionCookieAsync(context));

        await context.AddCookiesAsync([ReplayOf(old)]);
        await page.ReloadAsync();
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Please log in.");
        await Expect(page.Locator("#cart-count")).ToHaveTextAsync("0");
        await page.GotoAsync("/session");
        await Expect(page.Locator("#no-session")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_second_browser_context_is_not_logged_in()
    {
        await using var first = await shop.NewContextAsync();
        var firstPage = await first.NewPageAsync();
        await Shop.LoginAsync(firstPage, "bob", "builder");
        await Expect(Shop.Greeting(firstPage)).ToHaveTextAsync("Welcome, bob!");

        await using var second = await shop.NewContextAsync();
        var secondPage = await second.NewPageAsync();
        await secondPage.GotoAsync("/");

        await Expect(Shop.Greeting(secondPage)).ToHaveTextAsync("Please log in.");
        Assert.Null(await Shop.SessionCookieAsync(second));
        await firstPage.ReloadAsync();
        await Expect(Shop.Greeting(firstPage)).ToHaveTextAsync("Welcome, bob!");
    }

    [Fact]
    public async Task Log_out_everywhere_ends_the_users_session_in_another_browser_too()
    {
        await using var laptop = await shop.NewContextAsync();
        var laptopPage = await laptop.NewPageAsync();
        await Shop.LoginAsync(laptopPage, "bob", "builder");
        await using var phone = await shop.NewContextAsync();
        var phonePage = await phone.NewPageAsync();
        await Shop.LoginAsync(phonePage, "bob", "builder");
        await Expect(Shop.Greeting(phonePage)).ToHaveTextAsync("Welcome, bob!");

        await laptopPage.GotoAsync("/logout");
        await laptopPage.Locator("#logout-everywhere").ClickAsync();

        await Expect(Shop.Greeting(laptopPage)).ToHaveTextAsync("Please log in.");
        await phonePage.ReloadAsync();
        await Expect(Shop.Greeting(phonePage)).ToHaveTextAsync("Please log in.");
    }

    [Fact]
    public async Task Browser_close_mode_gives_a_cookie_without_an_expiry()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        var persistent = await Shop.SessionCookieAsync(context);
        Assert.NotNull(persistent);
        Assert.True(persistent.Expires > 0, "By default the cookie lasts until the absolute timeout.");

        await page.GotoAsync("/session");
        await page.Locator("#browser-close-button").ClickAsync();

        await Expect(page.Locator("#browser-close")).ToContainTextAsync("Yes");
        var cookie = await Shop.SessionCookieAsync(context);
        Assert.NotNull(cookie);
        Assert.Equal(-1, cookie.Expires);
        Assert.Equal(persistent.Value, cookie.Value);

        // Back to the default: the cookie has an expiry again.
        await page.Locator("button[value=default]").ClickAsync();
        await Expect(page.Locator("#browser-close")).ToHaveTextAsync("No");
        Assert.True((await Shop.SessionCookieAsync(context))!.Expires > 0);
    }

    [Fact]
    public async Task The_session_page_shows_created_time_and_expiry_but_never_the_id()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/session");
        await Expect(page.Locator("#no-session")).ToBeVisibleAsync();

        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await page.GotoAsync("/session");
        await page.Locator("button[value=idle5]").ClickAsync();

        await Expect(page.Locator("#expiry-mode")).ToContainTextAsync("idle window");
        await Expect(page.Locator("#created")).ToContainTextAsync("UTC");
        await Expect(page.Locator("#expires")).ToContainTextAsync("in 5 minutes");
        var cookie = await Shop.SessionCookieAsync(context);
        Assert.NotNull(cookie);
        Assert.DoesNotContain(cookie.Value, await page.ContentAsync(), StringComparison.Ordinal);

        await page.Locator("button[value=fixed1h]").ClickAsync();
        await Expect(page.Locator("#expiry-mode")).ToContainTextAsync("fixed end");
        await Expect(page.Locator("#expires")).ToContainTextAsync("in 1 hour");
    }

    [Fact]
    public async Task Wrong_credentials_show_an_error_and_start_no_session()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();

        await Shop.LoginAsync(page, "alice", "not-her-password");

        await Expect(page.Locator("#login-error")).ToHaveTextAsync("Unknown username or wrong password.");
        await Expect(page.Locator("main input[name=username]")).ToHaveValueAsync("alice");
        await Expect(page.Locator("main input[name=password]")).ToHaveValueAsync("");
        Assert.Null(await Shop.SessionCookieAsync(context));
        await page.GotoAsync("/");
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Please log in.");
    }

    [Fact]
    public async Task The_login_form_is_refused_without_its_antiforgery_token()
    {
        await using var context = await shop.NewContextAsync();

        var response = await context.APIRequest.PostAsync("/login", new()
        {
            Form = context.APIRequest.CreateFormData().Set("username", "alice").Set("password", "wonderland"),
        });

        Assert.Equal(400, response.Status);
        Assert.Null(await Shop.SessionCookieAsync(context));
    }

    [Fact]
    public async Task Emptying_the_cart_leaves_it_empty()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await Shop.AddToCartAsync(page, "green-tea", 3);
        await Expect(page.Locator("#cart-total")).ToHaveTextAsync("€26.70");

        await page.Locator("#empty-cart").ClickAsync();

        await Expect(page.Locator("#cart-empty")).ToBeVisibleAsync();
        await Expect(page.Locator("#cart-count")).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task Every_page_names_the_store_and_fits_a_phone_screen()
    {
        await using var context = await shop.NewContextAsync(width: 390, height: 844);
        var page = await context.NewPageAsync();
        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await Shop.AddToCartAsync(page, "earl-grey", 1);

        foreach (var path in new[] { "/", "/cart", "/preferences", "/session", "/sessions", "/logout", "/login" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("#store")).ToContainTextAsync("Sqlite");
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{path} scrolls sideways on a phone by {overflow}px.");
        }
    }

    [Fact]
    public async Task Screenshots_of_the_home_page_and_the_cart_for_the_docs()
    {
        await using var context = await shop.NewContextAsync(width: 1100, height: 760);
        var page = await context.NewPageAsync();
        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await Shop.AddToCartAsync(page, "tea", 2);
        await Shop.AddToCartAsync(page, "kettle", 1);
        await Shop.AddToCartAsync(page, "honey", 1);
        var folder = Path.Combine(ShopServer.RepositoryRoot, "docs", "screenshots");
        Directory.CreateDirectory(folder);

        await page.GotoAsync("/");
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "home.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });

        await page.GotoAsync("/cart");
        await Expect(Shop.CartRowQty(page, "tea")).ToHaveTextAsync("2");
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "cart.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });

        Assert.True(new FileInfo(Path.Combine(folder, "home.png")).Length > 0);
        Assert.True(new FileInfo(Path.Combine(folder, "cart.png")).Length > 0);
    }

    [Fact]
    public async Task Your_sessions_lists_both_browsers_and_signing_the_other_out_logs_it_out()
    {
        // Two browsers of carol's (a user no other test logs in); their user agents are set so that the list (and the
        // screenshot) tells them apart.
        await using var laptop = await shop.NewContextAsync(width: 1100, height: 760, userAgent: LaptopUserAgent);
        var laptopPage = await laptop.NewPageAsync();
        await Shop.LoginAsync(laptopPage, "carol", "sessions");
        await Expect(Shop.Greeting(laptopPage)).ToHaveTextAsync("Welcome, carol!");
        await using var phone = await shop.NewContextAsync(userAgent: PhoneUserAgent);
        var phonePage = await phone.NewPageAsync();
        await Shop.LoginAsync(phonePage, "carol", "sessions");
        await Expect(Shop.Greeting(phonePage)).ToHaveTextAsync("Welcome, carol!");

        await laptopPage.Locator("#your-sessions").ClickAsync();

        await Expect(laptopPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sessions$"));
        var devices = laptopPage.Locator("#devices li.device");
        await Expect(devices).ToHaveCountAsync(2);
        var mine = laptopPage.Locator("li.device[data-this-device=true]");
        await Expect(mine).ToHaveCountAsync(1);
        await Expect(mine.Locator(".this-device")).ToHaveTextAsync("This device");
        await Expect(mine.Locator(".device-name")).ToContainTextAsync("Chrome on Windows");
        await Expect(mine.Locator(".end-device")).ToHaveCountAsync(0);
        var other = laptopPage.Locator("li.device[data-this-device=false]");
        await Expect(other.Locator(".device-name")).ToContainTextAsync("Chrome on Android");
        await Expect(other.Locator(".this-device")).ToHaveCountAsync(0);
        await Expect(laptopPage.Locator("#privacy")).ToContainTextAsync("user agent");

        var folder = Path.Combine(ShopServer.RepositoryRoot, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await laptopPage.ScreenshotAsync(new() { Path = Path.Combine(folder, "sessions.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Assert.True(new FileInfo(Path.Combine(folder, "sessions.png")).Length > 0);

        await other.Locator(".end-device").ClickAsync();

        await Expect(laptopPage.Locator("#ended")).ToHaveTextAsync("That device is signed out.");
        await Expect(devices).ToHaveCountAsync(1);
        await Expect(laptopPage.Locator("#only-device")).ToBeVisibleAsync();

        // The phone's next navigation finds it logged out, and its sessions page sends it to the login form.
        await phonePage.GotoAsync("/");
        await Expect(Shop.Greeting(phonePage)).ToHaveTextAsync("Please log in.");
        await Expect(phonePage.Locator("#your-sessions")).ToHaveCountAsync(0);
        await phonePage.GotoAsync("/sessions");
        await Expect(phonePage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Fsessions$"));

        // The laptop is still logged in.
        await laptopPage.GotoAsync("/");
        await Expect(Shop.Greeting(laptopPage)).ToHaveTextAsync("Welcome, carol!");
    }

    [Fact]
    public async Task The_auth_cookie_is_HttpOnly_Secure_Lax_and_holds_only_a_key()
    {
        await using var context = await shop.NewContextAsync();
        var page = await context.NewPageAsync();
        await Shop.LoginAsync(page);
        await Expect(Shop.Greeting(page)).ToHaveTextAsync("Welcome, alice!");

        var cookie = (await context.CookiesAsync()).SingleOrDefault(c => c.Name == Shop.AuthCookie);

        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal(43, cookie.Value.Length);
        Assert.DoesNotContain(Shop.AuthCookie, await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
    }

    // The session cookie as the server set it: host-only (a domain without a leading dot), Secure, HttpOnly, Lax.
    private static Cookie ReplayOf(BrowserContextCookiesResult cookie) => new()
    {
        Name = cookie.Name,
        Value = cookie.Value,
        Domain = cookie.Domain,
        Path = "/",
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteAttribute.Lax,
    };
}
