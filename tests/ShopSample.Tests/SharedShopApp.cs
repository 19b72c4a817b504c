namespace ShopSample.Tests;

/// <summary>
/// One app shared by a test class's many-row theories (a class fixture): each row is a new visitor on it
/// (<see cref="NewVisitor"/>) instead of a new app, whose startup costs far more than the row's requests. The login rate
/// limit is lifted, as the rows sign in many times from the one test client; nothing else differs from the sample's
/// configuration (the fake clock included).
/// </summary>
public sealed class SharedShopApp : IDisposable
{
    internal static readonly Dictionary<string, string?> Unlimited = new() { ["Shop:LoginRateLimit:PermitLimit"] = "100000" };

    private readonly ShopApp _app = new(settings: Unlimited);

    /// <summary>The app with the browser's cookies dropped: the next request comes from a new visitor.</summary>
    internal ShopApp NewVisitor()
    {
        _app.ForgetCookies();
        return _app;
    }

    /// <summary>Stops the app.</summary>
    public void Dispose() => _app.Dispose();
}
