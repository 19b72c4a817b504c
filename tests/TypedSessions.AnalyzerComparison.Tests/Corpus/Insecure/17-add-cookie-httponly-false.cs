// Shape: `AddCookie(o => o.Cookie.HttpOnly = false)` (authentication cookie readable by scripts)
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddAuthentication().AddCookie(o => o.Cookie.HttpOnly = false);
}
