// Shape: settings through constants and a ternary whose both branches are secure
static class Startup
{
    private const string SessionCookieName = "__Host-session";
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    public static void ConfigureServices(IServiceCollection services, IHostEnvironment env)
    {
        services.AddSession(o =>
        {
            o.Cookie.Name = SessionCookieName;
            o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.Always : CookieSecurePolicy.Always;
            o.IdleTimeout = Idle;
        });
    }
}
