// Shape: `AddSession`, `AddCookie`, `ConfigureApplicationCookie` and `AddAntiforgery`, all `SecurePolicy = Always`
using Microsoft.AspNetCore.Authentication.Cookies;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
    {
        services.AddSession(o =>
        {
            o.Cookie.Name = "__Host-session";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.IdleTimeout = TimeSpan.FromMinutes(20);
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "__Host-auth";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.HttpOnly = true;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = true;
        });
        services.ConfigureApplicationCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__Host-xsrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
    }
}
