// Shape: nested initializer `o.Cookie = new CookieBuilder { SecurePolicy = None, HttpOnly = false }`
static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddSession(o => o.Cookie = new CookieBuilder
        {
            Name = "session",
            SecurePolicy = CookieSecurePolicy.None,
            HttpOnly = false,
        });
}
