using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>TS1008: ASP.NET Core's AddSession() keeps its cookie's default SecurePolicy (None) unless something sets it.</summary>
public sealed class AddSessionTests
{
    [Fact]
    public Task TS1008_AddSession_with_no_SecurePolicy_anywhere() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                {|TS1008:services.AddSession()|};
                {|TS1008:services.AddSession(o => o.IdleTimeout = TimeSpan.FromMinutes(20))|};
            }
        }
        """);

    [Fact]
    public Task No_TS1008_when_SecurePolicy_is_set_in_another_Configure() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession();
                services.Configure<SessionOptions>(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
            }
        }
        """);

    [Fact]
    public Task No_TS1008_when_a_bound_configuration_section_sets_SecurePolicy() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IConfiguration configuration)
            {
                services.AddSession();
                services.Configure<SessionOptions>(configuration.GetSection("Session"));
            }
        }
        """,
        [("appsettings.json", """{ "Session": { "Cookie": { "SecurePolicy": "Always" } } }""")],
        null);
}
