// Shape: `SecurePolicy = env.IsDevelopment() ? None : Always` (insecure in one environment)
static class Startup
{
    public static void ConfigureServices(IServiceCollection services, IHostEnvironment env)
        => services.AddSession(o => o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.Always);
}
