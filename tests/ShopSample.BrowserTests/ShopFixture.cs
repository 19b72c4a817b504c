using Microsoft.Playwright;

namespace ShopSample.BrowserTests;

/// <summary>
/// One sample app and one headless Chromium for all browser tests. Each test opens its own browser context:
/// a fresh cookie jar and storage, like a new browser profile.
/// </summary>
public sealed class ShopFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium (apt package <c>chromium</c>); Playwright never downloads a browser here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ShopServer? _server;

    public ShopServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install chromium; tests/run-all.sh does it).");
        }

        _server = await ShopServer.StartAsync();
        _playwright = await Playwright.CreateAsync();

        // Launch gives every run a fresh temporary user-data-dir (profile), deleted on close.
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        });
    }

    /// <summary>A new, empty browser context (no cookies) whose relative URLs go to the app.</summary>
    /// <param name="width">The viewport's width.</param>
    /// <param name="height">The viewport's height.</param>
    /// <param name="userAgent">The <c>User-Agent</c> to send, or <see langword="null"/> for Chromium's own.</param>
    public async Task<IBrowserContext> NewContextAsync(int width = 1200, int height = 800, string? userAgent = null)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
            UserAgent = userAgent,
        });

        // Auto-waiting bound for every action and assertion; generous because the machine is shared.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ShopInABrowser : ICollectionFixture<ShopFixture>
{
    public const string Name = "Shop in a browser";
}
