using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>The rules applied to appsettings.json and appsettings.{Environment}.json given as additional files.</summary>
public sealed class ConfigurationFileTests
{
    private const string UsesTypedSessions = """
        static class Startup
        {
            static void Configure(IServiceCollection services) => services.AddTypedSessions();
        }
        """;

    [Fact]
    public Task The_TypedSessions_section_of_appsettings_json() => VerifyAsync(
        UsesTypedSessions,
        [("appsettings.json", """
            {
              // comments and trailing commas are allowed, as in the configuration provider
              "TypedSessions": {
                "Store": "Sqlite",
                "IdleTimeout": {|TS1006:"04:00:00"|},
                "AbsoluteTimeout": {|TS1007:null|},
                "Cookie": {
                  "SecurePolicy": {|TS1001:"None"|},
                  "HttpOnly": {|TS1003:false|},
                  "SameSite": {|TS1004:"none"|},
                  "Domain": {|TS1005:"example.com"|},
                },
              },
            }
            """)],
        null);

    [Fact]
    public Task An_environment_file_is_read_too_and_the_TypedSessions_defaults_are_secure() => VerifyAsync(
        UsesTypedSessions,
        [
            ("appsettings.json", """{ "TypedSessions": { "Store": "Sqlite", "Cookie": { "SameSite": "None" } } }"""),
            ("appsettings.Production.json", """{ "TypedSessions": { "Cookie": { "SecurePolicy": {|TS1002:"SameAsRequest"|}, "UseHostPrefix": false, "Path": "/shop" } } }"""),
            ("appsettings.Staging.json", """{ "TypedSessions": { "Cookie": { "UseHostPrefix": {|TS1009:false|} } } }"""),
            ("other.json", """{ "TypedSessions": { "Cookie": { "SecurePolicy": "None" } } }"""),
        ],
        null);

    [Fact]
    public Task The_TypedSessions_section_is_ignored_when_the_app_does_not_call_AddTypedSessions() => VerifyAsync(
        "static class Startup { }",
        [("appsettings.json", """{ "TypedSessions": { "Cookie": { "SecurePolicy": "None" } } }""")],
        null);

    [Fact]
    public Task A_section_bound_to_SessionOptions() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IConfiguration configuration)
            {
                services.AddSession();
                services.Configure<SessionOptions>(configuration.GetSection("App").GetSection("Session"));
            }
        }
        """,
        [("appsettings.Development.json", """
            {
              "App": {
                "Session": {
                  "IdleTimeout": {|TS1006:"02:00:00"|},
                  "Cookie": { "SecurePolicy": {|TS1001:2|}, "Name": "session", "HttpOnly": {|TS1003:"False"|} }
                }
              }
            }
            """)],
        null);

    [Fact]
    public Task A_section_bound_with_BindConfiguration_and_a_qualifying_name() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession();
                services.AddOptions<SessionOptions>().BindConfiguration("Session");
            }
        }
        """,
        [("appsettings.json", """{ "Session": { "Cookie": { "SecurePolicy": "Always", "Name": {|TS1009:"sid"|} } } }""")],
        null);
}
