// Shape: `AddCookie` with `ExpireTimeSpan = 30 days` and sliding expiration
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddAuthentication().AddCookie(o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.ExpireTimeSpan = TimeSpan.FromDays(30);
            o.SlidingExpiration = true;
        });
}
