// Shape: `services.AddSession()` with no options (SecurePolicy left at SameAsRequest)
static class Startup
{
    public static void ConfigureServices(IServiceCollection services) => services.AddSession();
}
