// Shape: appsettings.json: `TypedSessions:Cookie:SecurePolicy = "None"` and `HttpOnly = false`
using TypedSessions;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services) => services.AddTypedSessions();
}
