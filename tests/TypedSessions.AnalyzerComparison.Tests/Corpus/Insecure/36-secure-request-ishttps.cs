// Shape: `CookieOptions { Secure = Request.IsHttps }` (Secure only on HTTPS requests, as `SameAsRequest`)
static class Endpoints
{
    public static void Map(WebApplication app)
        => app.MapGet("/theme", (HttpContext context) =>
        {
            context.Response.Cookies.Append("theme", "dark", new CookieOptions { HttpOnly = true, Secure = context.Request.IsHttps });
            return Results.Ok();
        });
}
