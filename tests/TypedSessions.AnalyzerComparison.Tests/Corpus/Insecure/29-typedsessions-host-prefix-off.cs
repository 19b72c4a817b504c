// Shape: TypedSessions' options: `Cookie.UseHostPrefix = false` on a cookie that qualifies for `__Host-`
using TypedSessions;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddTypedSessions(o => o.Cookie.UseHostPrefix = false);
}
