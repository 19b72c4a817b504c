// Shape: `AddSession` with `IdleTimeout = 7 days`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddSession(o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.IdleTimeout = TimeSpan.FromDays(7);
        });
}
