// Shape: TypedSessions' options: `AbsoluteTimeout = null` and `IdleTimeout = 30 days`
using TypedSessions;

static class Startup
{
    public static void ConfigureServices(IServiceCollection services)
        => services.AddTypedSessions(o =>
        {
            o.IdleTimeout = TimeSpan.FromDays(30);
            o.AbsoluteTimeout = null;
        });
}
