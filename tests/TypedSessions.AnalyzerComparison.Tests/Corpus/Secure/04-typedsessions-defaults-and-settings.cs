// Shape: TypedSessions with its defaults, with tightened options, and a secure appsettings.json
using TypedSessions;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
    {
        services.AddTypedSessions();
        services.AddTypedSessions(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.AbsoluteTimeout = TimeSpan.FromHours(8);
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
    }
}
