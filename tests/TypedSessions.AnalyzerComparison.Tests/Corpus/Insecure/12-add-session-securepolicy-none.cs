// Shape: `AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None)`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
}
