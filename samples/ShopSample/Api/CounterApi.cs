using System.Text.RegularExpressions;
using ShopSample.Shop;

namespace ShopSample.Api;

/// <summary>The answer to an increment.</summary>
internal sealed record CounterValue(string Name, int Value);

/// <summary>
/// <c>POST /api/counters/{name}</c> increments the session key <c>counter:{name}</c>. Each counter is its own
/// key, so concurrent requests that increment different counters merge instead of overwriting each other.
/// </summary>
internal static partial class CounterApi
{
    public static RouteGroupBuilder MapCounterApi(this RouteGroupBuilder api)
    {
        // {name?}: a missing name is a 400 like any other invalid name, not a 404.
        api.MapPost("/counters/{name?}", (string? name, ShopSession shop) =>
        {
            if (name is null || !CounterName().IsMatch(name))
            {
                return ApiJson.BadRequest("A counter name is 1 to 32 characters of a-z, 0-9 and '-'.");
            }

            var key = ShopSessionKeys.Counter(name);
            var current = shop.Core.Get<int>(key);
            var value = current == int.MaxValue ? current : current + 1;
            shop.Core.Set(key, value);
            return Results.Ok(new CounterValue(name, value));
        });
        return api;
    }

    [GeneratedRegex(@"\A[a-z0-9-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CounterName();
}
