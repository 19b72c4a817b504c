using ShopSample.Shop;
using TypedSessions;

namespace ShopSample.Api;

/// <summary>The shape of <c>GET /api/session</c>.</summary>
internal sealed record SessionView(
    string? Username,
    int? UserId,
    IReadOnlyList<CartLine> Cart,
    Theme Theme,
    IReadOnlyDictionary<string, int> Counters,
    DateTimeOffset? ExpiresAt,
    bool ExpireAtBrowserClose);

/// <summary><c>GET /api/session</c>: everything the session holds. Reading never creates a session or sets a cookie.</summary>
internal static class SessionApi
{
    public static RouteGroupBuilder MapSessionApi(this RouteGroupBuilder api)
    {
        api.MapGet("/session", (ShopSession shop) => Results.Ok(Describe(shop)));
        return api;
    }

    private static SessionView Describe(ShopSession shop)
    {
        var session = shop.Core;
        var counters = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in session.Keys.Where(k => k.StartsWith(ShopSessionKeys.CounterPrefix, StringComparison.Ordinal)).ToList())
        {
            counters[key[ShopSessionKeys.CounterPrefix.Length..]] = session.Get<int>(key);
        }

        return new SessionView(
            shop.Username,
            shop.UserId,
            shop.Cart,
            shop.Theme,
            counters,
            session.IsNew ? null : session.ExpiresAt,
            session.ExpireAtBrowserClose);
    }
}
