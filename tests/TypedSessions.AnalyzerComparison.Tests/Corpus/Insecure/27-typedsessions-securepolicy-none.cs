// Shape: TypedSessions' own options: `AddTypedSessions(o => o.Cookie.SecurePolicy = None)`
using TypedSessions;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddTypedSessions(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
}
