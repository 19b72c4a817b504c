// Shape: `SecurePolicy` from a local variable assigned once
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
    {
        var policy = CookieSecurePolicy.None;
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = policy);
    }
}
