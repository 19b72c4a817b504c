// Shape: `services.AddSession()` with no options (the session cookie's SecurePolicy left at its default, None)
static class Startup
{
    public static void ConfigureServices(IServiceCollection services) => services.AddSession();
}
