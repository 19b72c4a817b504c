// Shape: `UseCookiePolicy` forcing Secure and HttpOnly, then `Append(key, value)` without options
using Microsoft.AspNetCore.CookiePolicy;

static class App
{
    public static void Configure(WebApplication app)
    {
        app.UseCookiePolicy(new CookiePolicyOptions
        {
            Secure = CookieSecurePolicy.Always,
            HttpOnly = HttpOnlyPolicy.Always,
            MinimumSameSitePolicy = SameSiteMode.Lax,
        });
        app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Cookies.Append("theme", "dark");
            return Results.Ok();
        });
    }
}
