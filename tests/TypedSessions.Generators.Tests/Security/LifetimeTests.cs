using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>TS1006 lifetimes beyond the (.editorconfig-configurable) maxima and TS1007 disabled timeouts.</summary>
public sealed class LifetimeTests
{
    private const string Long = """
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                services.AddTypedSessions(o =>
                {
                    {|#0:o.IdleTimeout = TimeSpan.FromHours(2)|};
                    {|#1:o.AbsoluteTimeout = new TimeSpan(1, 0, 0, 0)|};
                });
                services.AddSession(o => { o.Cookie.SecurePolicy = CookieSecurePolicy.Always; {|#2:o.IdleTimeout = TimeSpan.FromMinutes(90)|}; });
                services.AddAuthentication().AddCookie(o => {|#3:o.ExpireTimeSpan = TimeSpan.FromDays(14)|});
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, {|#4:MaxAge = TimeSpan.FromDays(365)|} });
                response.Cookies.Append("b", "2", new CookieOptions { Secure = true, {|#5:Expires = DateTimeOffset.UtcNow.AddYears(1)|} });
            }
        }
        """;

    [Fact]
    public Task TS1006_lifetimes_beyond_the_default_maxima() => VerifyAsync(
        Long,
        Diagnostic("TS1006").WithLocation(0).WithArguments("The TypedSessions idle timeout", "02:00:00", "00:30:00", "typedsessions.max_idle_timeout"),
        Diagnostic("TS1006").WithLocation(1).WithArguments("The TypedSessions absolute timeout", "1.00:00:00", "08:00:00", "typedsessions.max_absolute_timeout"),
        Diagnostic("TS1006").WithLocation(2).WithArguments("The session idle timeout", "01:30:00", "00:30:00", "typedsessions.max_idle_timeout"),
        Diagnostic("TS1006").WithLocation(3).WithArguments("The authentication cookie's sliding expiration", "14.00:00:00", "00:30:00", "typedsessions.max_idle_timeout"),
        Diagnostic("TS1006").WithLocation(4).WithArguments("The cookie's MaxAge", "365.00:00:00", "30.00:00:00", "typedsessions.max_cookie_lifetime"),
        Diagnostic("TS1006").WithLocation(5).WithArguments("The cookie's Expires", "now + 365.00:00:00", "30.00:00:00", "typedsessions.max_cookie_lifetime"));

    [Fact]
    public Task TS1006_maxima_come_from_editorconfig() => VerifyAsync(
        Long,
        [],
        "typedsessions.max_idle_timeout = 02:00:00\ntypedsessions.max_absolute_timeout = 1.00:00:00\ntypedsessions.max_cookie_lifetime = 400.00:00:00",
        Diagnostic("TS1006").WithLocation(3).WithArguments("The authentication cookie's sliding expiration", "14.00:00:00", "02:00:00", "typedsessions.max_idle_timeout"));

    [Fact]
    public Task TS1006_without_sliding_expiration_the_absolute_maximum_applies() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddAuthentication().AddCookie(o =>
                {
                    o.SlidingExpiration = false;
                    o.ExpireTimeSpan = TimeSpan.FromHours(8);
                });
                services.ConfigureApplicationCookie(o =>
                {
                    o.SlidingExpiration = false;
                    {|TS1006:o.ExpireTimeSpan = TimeSpan.FromHours(12)|};
                });
            }
        }
        """);

    [Fact]
    public Task TS1006_silent_within_the_maxima() => VerifyAsync("""
        static class Startup
        {
            static readonly TimeSpan Idle = TimeSpan.FromMinutes(15);

            static void Configure(IServiceCollection services, HttpResponse response)
            {
                services.AddTypedSessions(o => { o.IdleTimeout = Idle; o.AbsoluteTimeout = TimeSpan.FromHours(4); });
                services.AddSession(o => { o.Cookie.SecurePolicy = CookieSecurePolicy.Always; o.IdleTimeout = TimeSpan.FromMinutes(20); });
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, MaxAge = TimeSpan.FromDays(7), Expires = DateTimeOffset.UtcNow.AddDays(7) });
            }
        }
        """);

    [Fact]
    public Task TS1007_a_disabled_TypedSessions_timeout() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddTypedSessions(o =>
                {
                    {|TS1007:o.IdleTimeout = null|};
                    {|TS1007:o.AbsoluteTimeout = null|};
                });
            }
        }
        """);
}
