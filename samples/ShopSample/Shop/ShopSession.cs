using System.Reflection;
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
/// A typed view over the untyped <see cref="Session"/> for the values every page uses. Hand-written until
/// the source generator exists; it then becomes
/// <c>[SessionSchema] partial class ShopSession { partial string? Username; [SessionKey("uid")] partial int? UserId; partial List&lt;CartLine&gt; Cart; partial Theme Theme; }</c>
/// with the same members, so the endpoints do not change.
/// </summary>
internal sealed class ShopSession(Session session)
{
    /// <summary>The untyped session underneath (lifecycle: cycle id, flush, expiry; dynamic keys such as counters).</summary>
    public Session Core { get; } = session;

    /// <summary>The logged-in user's name, or <see langword="null"/>.</summary>
    public string? Username
    {
        get => Core.Get<string>(ShopSessionKeys.Username);
        set => SetOrRemove(ShopSessionKeys.Username, value);
    }

    /// <summary>The logged-in user's id, or <see langword="null"/>.</summary>
    public int? UserId
    {
        get => Core.TryGet<int>(ShopSessionKeys.UserId, out var id) ? id : null;
        set => SetOrRemove(ShopSessionKeys.UserId, value);
    }

    /// <summary>The cart; empty (never <see langword="null"/>) when absent. Assign a new list to change it.</summary>
    public List<CartLine> Cart
    {
        get => Core.Get<List<CartLine>>(ShopSessionKeys.Cart) ?? [];
        set => Core.Set(ShopSessionKeys.Cart, value);
    }

    /// <summary>The colour theme; <see cref="Theme.Light"/> when absent.</summary>
    public Theme Theme
    {
        get => Core.Get(ShopSessionKeys.Theme, Theme.Light);
        set => Core.Set(ShopSessionKeys.Theme, value);
    }

    /// <summary>Minimal-API binding: loads the session asynchronously before the endpoint runs.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter being bound.</param>
    /// <returns>The typed view.</returns>
    public static async ValueTask<ShopSession?> BindAsync(HttpContext context, ParameterInfo parameter)
        => new(await context.LoadSessionAsync(context.RequestAborted));

    private void SetOrRemove<T>(string key, T? value)
    {
        if (value is null)
        {
            Core.Remove(key);
        }
        else
        {
            Core.Set(key, value);
        }
    }
}
