// Shape: `SecurePolicy = useTls ? Always : None` (a condition that is not the Development environment)
static class Startup
{
    public static void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        var useTls = configuration.GetValue<bool>("UseTls");
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = useTls ? CookieSecurePolicy.Always : CookieSecurePolicy.None);
    }
}
