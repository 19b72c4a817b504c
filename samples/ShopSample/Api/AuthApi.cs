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
        api.MapPost("/logout", async (HttpContext http, ShopSession shop) =>
        {
            // Deletes the stored session, its cookie and the auth ticket; a later write starts a new session with a new id.
            await ShopSignIn.SignOutAsync(http, shop);
            return Results.NoContent();
        });
        api.MapPost("/logout-everywhere", LogoutEverywhereAsync);
        return api;
    }

    // Ends every session of the logged-in user (all devices), this one included. 401 when nobody is logged in.
    // The user's auth tickets are bound to them too, so they end with the sessions; signing out then drops this browser's auth cookie.
    private static async Task<IResult> LogoutEverywhereAsync(HttpContext http, ShopSession shop, CancellationToken cancellationToken)
    {
        if (shop.Core.UserKey is null)
        {
            return ApiJson.Error(StatusCodes.Status401Unauthorized, "Not logged in.");
        }

        await shop.Core.RevokeUserSessionsAsync(cancellationToken);
        await ShopSignIn.SignOutAsync(http, shop);
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

        // Django's login(), by the sign-in hook: the same user or an anonymous visitor keeps the data (cart, theme,
        // counters) under a new id (session fixation defence); a session bound to another user is flushed first, so
        // nothing of theirs carries over. The auth cookie comes with it.
        await ShopSignIn.SignInAsync(request.HttpContext, shop, user);
        return Results.Ok(new LoginResult(user.Username));
    }
}
