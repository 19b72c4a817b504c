using System.Text.Json;
using ShopSample.Shop;

namespace ShopSample.Api;

/// <summary>
/// <c>PUT /api/expiry</c> with exactly one of <c>{"seconds": n}</c> (idle window of n ≥ 1 seconds),
/// <c>{"at": ISO-8601}</c> (a fixed end in the future; without an offset it is read as UTC),
/// <c>{"browserClose": true}</c> or <c>{"reset": true}</c>. Anything else is a 400.
/// </summary>
internal static class ExpiryApi
{
    private const string Usage = "Send exactly one of {\"seconds\": n ≥ 1}, {\"at\": ISO-8601 instant in the future}, {\"browserClose\": true} or {\"reset\": true}.";

    public static RouteGroupBuilder MapExpiryApi(this RouteGroupBuilder api)
    {
        api.MapPut("/expiry", SetAsync);
        return api;
    }

    private static async Task<IResult> SetAsync(HttpRequest request, ShopSession shop, TimeProvider time)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var properties = body.EnumerateObject().ToList();
        if (properties.Count != 1)
        {
            return ApiJson.BadRequest(Usage);
        }

        var session = shop.Core;
        var (name, value) = (properties[0].Name, properties[0].Value);
        switch (name)
        {
            case "seconds" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds >= 1:
                session.SetExpiry(TimeSpan.FromSeconds(seconds));
                return Results.NoContent();

            case "at" when TryReadInstant(value, out var at) && at > time.GetUtcNow():
                try
                {
                    session.SetExpiry(at);
                }
                catch (ArgumentOutOfRangeException)
                {
                    // The instant passed between the check and the call.
                    return ApiJson.BadRequest(Usage);
                }

                return Results.NoContent();

            case "browserClose" when value.ValueKind == JsonValueKind.True:
                session.SetExpiryAtBrowserClose();
                return Results.NoContent();

            case "reset" when value.ValueKind == JsonValueKind.True:
                session.ResetExpiry();
                return Results.NoContent();

            default:
                return ApiJson.BadRequest(Usage);
        }
    }

    // ISO 8601 as System.Text.Json reads it; an instant without an offset is taken as UTC, not server-local time.
    private static bool TryReadInstant(JsonElement value, out DateTimeOffset instant)
    {
        instant = default;
        if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTime(out var dateTime))
        {
            return false;
        }

        if (dateTime.Kind == DateTimeKind.Unspecified)
        {
            instant = new DateTimeOffset(dateTime, TimeSpan.Zero);
            return true;
        }

        return value.TryGetDateTimeOffset(out instant);
    }
}
