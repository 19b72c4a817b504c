// Shape: `SecurePolicy` / `Secure` from a `const` and a `static readonly` field
static class Startup
{
    private const CookieSecurePolicy Policy = CookieSecurePolicy.None;
    private static readonly bool SecureCookies = false;

    public static void ConfigureServices(IServiceCollection services)
        => services.AddSession(o => o.Cookie.SecurePolicy = Policy);

    public static void Write(HttpResponse response)
        => response.Cookies.Append("theme", "dark", new CookieOptions { Secure = SecureCookies, HttpOnly = true });
}
