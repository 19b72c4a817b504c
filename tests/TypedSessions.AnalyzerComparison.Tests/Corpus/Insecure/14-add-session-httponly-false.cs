// Shape: `AddSession` with `Cookie.HttpOnly = false`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddSession(o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.HttpOnly = false;
        });
}
