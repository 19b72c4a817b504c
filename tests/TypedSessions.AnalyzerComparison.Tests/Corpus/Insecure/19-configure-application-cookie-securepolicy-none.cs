// Shape: `ConfigureApplicationCookie(o => o.Cookie.SecurePolicy = None)`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.ConfigureApplicationCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
}
