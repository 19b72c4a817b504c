using System.Globalization;
using ShopSample.Shop;

namespace ShopSample.Api;

/// <summary>The answer to a successful login.</summary>
internal sealed record LoginResult(string Username);

/// <summary><c>POST /api/login</c>, <c>POST /api/logout</c> and <c>POST /api/logout-everywhere</c>.</summary>
internal static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/login", LoginAsync).RequireRateLimiting(LoginRateLimit.PolicyName);
        api.MapPost("/logout", (ShopSession shop) =>
        {
            // Deletes the stored session and the cookie; a later write starts a new session with a new id.
            shop.Core.Flush();
            return Results.NoContent();
        });
        api.MapPost("/logout-everywhere", LogoutEverywhereAsync);
        return api;
    }

    // Ends every session of the logged-in user (all devices), this one included. 401 when nobody is logged in.
    private static async Task<IResult> LogoutEverywhereAsync(ShopSession shop, CancellationToken cancellationToken)
    {
        if (shop.Core.UserKey is null)
        {
            return ApiJson.Error(StatusCodes.Status401Unauthorized, "Not logged in.");
        }

        await shop.Core.RevokeUserSessionsAsync(cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> LoginAsync(HttpRequest request, ShopSession shop, DemoUserDirectory users)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        // Absent, null or non-string credentials are wrong credentials; the session is not touched.
        var user = users.Find(ApiJson.GetString(body, "username") ?? "", ApiJson.GetString(body, "password") ?? "");
        if (user is null)
        {
            return ApiJson.Error(StatusCodes.Status401Unauthorized, "Unknown username or wrong password.");
        }

        // Django's login(): the same user or an anonymous visitor keeps the data (cart, theme, counters) under a new id
        // (session fixation defence); a session bound to another user is flushed first, so nothing of theirs carries over.
        shop.Core.SignIn(user.UserId.ToString(CultureInfo.InvariantCulture));
        shop.Username = user.Username;
        shop.UserId = user.UserId;
        return Results.Ok(new LoginResult(user.Username));
    }
}
