using TypedSessions;

namespace ShopSample.Shop;

/// <summary>The session keys the sample uses: the one place that knows them.</summary>
internal static class ShopSessionKeys
{
    public const string Username = "username";
    public const string UserId = "uid";
    public const string Cart = "cart";
    public const string Theme = "theme";

    /// <summary>Counters live under <c>counter:{name}</c>, one key per counter, so concurrent increments of different counters merge.</summary>
    public const string CounterPrefix = "counter:";

    public static string Counter(string name) => CounterPrefix + name;
}

/// <summary>
/// The typed session every page uses. The TypedSessions source generator implements the partial
/// properties over the session and makes the class bindable as an endpoint parameter and injectable.
/// </summary>
[SessionSchema]
internal sealed partial class ShopSession
{
    /// <summary>The logged-in user's name, or <see langword="null"/>.</summary>
    [SessionKey(ShopSessionKeys.Username)]
    public partial string? Username { get; set; }

    /// <summary>The logged-in user's id, or <see langword="null"/>.</summary>
    [SessionKey(ShopSessionKeys.UserId)]
    public partial int? UserId { get; set; }

    /// <summary>The cart; empty (never <see langword="null"/>) when absent. Changes made in place are saved.</summary>
    [SessionKey(ShopSessionKeys.Cart)]
    public partial List<CartLine> Cart { get; set; }

    /// <summary>The colour theme; <see cref="Theme.Light"/> when absent.</summary>
    [SessionKey(ShopSessionKeys.Theme)]
    public partial Theme Theme { get; set; }

    /// <summary>The untyped session underneath (lifecycle: cycle id, flush, expiry; dynamic keys such as counters).</summary>
    public Session Core => this.AsSession();
}
