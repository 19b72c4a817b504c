// Shape: `Configure<CookieAuthenticationOptions>(scheme, o => { o.Cookie.SecurePolicy = None; })`
using Microsoft.AspNetCore.Authentication.Cookies;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.None;
        });
}
