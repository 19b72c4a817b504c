// Shape: `AddAntiforgery` with `Cookie.SecurePolicy = None`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
}
