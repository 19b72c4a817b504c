// Shape: `HttpContext.Response.Cookies.Append` with `Secure = false` in a minimal API handler
static class Endpoints
{
    public static void Map(WebApplication app)
        => app.MapGet("/remember", (HttpContext context) =>
        {
            context.Response.Cookies.Append("remember", "1", new CookieOptions { Secure = false, HttpOnly = true });
            return Results.Ok();
        });
}
