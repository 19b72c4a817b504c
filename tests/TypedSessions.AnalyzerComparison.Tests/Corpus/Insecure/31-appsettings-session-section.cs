// Shape: appsettings.Production.json bound to `SessionOptions`: `Session:Cookie:SecurePolicy = "None"`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSession();
        services.Configure<SessionOptions>(configuration.GetSection("Session"));
    }
}
