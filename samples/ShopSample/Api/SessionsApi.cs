using ShopSample.Pages;
using ShopSample.Shop;

namespace ShopSample.Api;

/// <summary>The shape of <c>GET /api/sessions</c>.</summary>
internal sealed record SessionsView(IReadOnlyList<DeviceView> Sessions);

/// <summary>
/// "Your sessions" as JSON: <c>GET /api/sessions</c>, <c>POST /api/sessions/{handle}/end</c> and
/// <c>POST /api/sessions/end-others</c>. Signed in means both cookies (session and auth ticket): 401 otherwise; 501 on a
/// store that cannot list a user's sessions (the encrypted cookie, DistributedCache).
/// </summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/sessions", ListAsync);
        api.MapPost("/sessions/end-others", EndOthersAsync);
        api.MapPost("/sessions/{handle}/end", EndAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, StoreInfo store, YourSessions sessions, CancellationToken cancellationToken)
    {
        if (Refusal(http, store, out var userKey) is { } refused)
        {
            return refused;
        }

        return Results.Ok(new SessionsView(await sessions.ListAsync(userKey, cancellationToken)));
    }

    private static async Task<IResult> EndAsync(HttpContext http, StoreInfo store, YourSessions sessions, string handle, CancellationToken cancellationToken)
    {
        if (Refusal(http, store, out var userKey) is { } refused)
        {
            return refused;
        }

        if (sessions.IsThisDevice(handle))
        {
            return ApiJson.BadRequest("That is this device: log out with POST /api/logout.");
        }

        return await sessions.EndAsync(userKey, handle, cancellationToken) > 0
            ? Results.NoContent()
            : ApiJson.Error(StatusCodes.Status404NotFound, "None of your devices has that handle.");
    }

    private static async Task<IResult> EndOthersAsync(HttpContext http, StoreInfo store, YourSessions sessions, CancellationToken cancellationToken)
    {
        if (Refusal(http, store, out _) is { } refused)
        {
            return refused;
        }

        await sessions.EndOthersAsync(cancellationToken);
        return Results.NoContent();
    }

    private static IResult? Refusal(HttpContext http, StoreInfo store, out string userKey)
    {
        userKey = YourSessions.UserKeyOf(http) ?? "";
        if (userKey.Length == 0)
        {
            return ApiJson.Error(StatusCodes.Status401Unauthorized, "Not logged in.");
        }

        return store.CanListSessions
            ? null
            : ApiJson.Error(StatusCodes.Status501NotImplemented, $"The {store.Name} store cannot list your sessions.");
    }
}
