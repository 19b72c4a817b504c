// Shape: a `switch` expression on the environment name choosing `CookieSecurePolicy.None` for Staging
static class Startup
{
    public static void ConfigureServices(IServiceCollection services, IHostEnvironment env)
        => services.AddSession(o => o.Cookie.SecurePolicy = env.EnvironmentName switch
        {
            "Staging" => CookieSecurePolicy.None,
            _ => CookieSecurePolicy.Always,
        });
}
