using ShopSample.Shop;

namespace ShopSample.Api;

/// <summary><c>PUT /api/theme</c> <c>{"theme": "light"|"dark"}</c> (exactly these lowercase strings).</summary>
internal static class ThemeApi
{
    public static RouteGroupBuilder MapThemeApi(this RouteGroupBuilder api)
    {
        api.MapPut("/theme", SetAsync);
        return api;
    }

    private static async Task<IResult> SetAsync(HttpRequest request, ShopSession shop)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        Theme? theme = ApiJson.GetString(body, "theme") switch
        {
            "light" => Theme.Light,
            "dark" => Theme.Dark,
            _ => null,
        };
        if (theme is not { } value)
        {
            return ApiJson.BadRequest("\"theme\" must be \"light\" or \"dark\".");
        }

        shop.Theme = value;
        return Results.NoContent();
    }
}
