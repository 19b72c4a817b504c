// Shape: a method group `AddSession(ConfigureSession)` whose method sets `SecurePolicy = None`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services) => services.AddSession(ConfigureSession);

    private static void ConfigureSession(SessionOptions options)
    {
        options.Cookie.SecurePolicy = CookieSecurePolicy.None;
    }
}
