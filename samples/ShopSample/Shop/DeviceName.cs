namespace ShopSample.Shop;

/// <summary>A short, human name for a <c>User-Agent</c> ("Firefox on Windows"), for the "Your sessions" list.</summary>
internal static class DeviceName
{
    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];

    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown device";
        }

        var browser = First(Browsers, userAgent) ?? "Unknown browser";
        return First(Systems, userAgent) is { } system ? $"{browser} on {system}" : browser;
    }

    private static string? First((string Token, string Name)[] table, string userAgent)
        => table.FirstOrDefault(entry => userAgent.Contains(entry.Token, StringComparison.Ordinal)).Name;
}
