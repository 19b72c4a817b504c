// Shape: `AddAuthentication().AddCookie(o => o.Cookie.SecurePolicy = None)`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddAuthentication().AddCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
}
