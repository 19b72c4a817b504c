using Microsoft.CodeAnalysis.Testing;
using TypedSessions.Generators.Tests.Infrastructure;
using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>No false positives: secure configurations, written the ways apps write them, yield no TS1xxx diagnostic.</summary>
public sealed class SecureCorpusTests
{
    [Fact]
    public Task A_secure_app_using_every_analyzed_API() => VerifyAsync("""
        static class Startup
        {
            const string SessionCookieName = "__Host-session";
            static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

            static void ConfigureServices(IServiceCollection services, IHostEnvironment env)
            {
                services.AddTypedSessions();
                services.AddTypedSessions(o =>
                {
                    o.IdleTimeout = Idle;
                    o.AbsoluteTimeout = TimeSpan.FromHours(8);
                    o.Cookie.Name = "shop";
                    o.Cookie.SameSite = SameSiteMode.Strict;
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                });
                services.AddSession(o =>
                {
                    o.Cookie.Name = SessionCookieName;
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    o.Cookie.HttpOnly = true;
                    o.Cookie.SameSite = SameSiteMode.Lax;
                    o.IdleTimeout = Idle;
                });
                services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
                {
                    o.Cookie = new CookieBuilder
                    {
                        Name = "__Host-auth",
                        SecurePolicy = CookieSecurePolicy.Always,
                        HttpOnly = true,
                        SameSite = SameSiteMode.Lax,
                    };
                    o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                    o.SlidingExpiration = true;
                });
                services.ConfigureApplicationCookie(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                services.AddAntiforgery(o =>
                {
                    o.Cookie.Name = "__Host-xsrf";
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                });
                services.PostConfigure<SessionOptions>(o => o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.Always : CookieSecurePolicy.Always);
            }

            static void Write(HttpResponse response, string theme)
            {
                response.Cookies.Append("theme", theme, new CookieOptions
                {
                    Secure = true,
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    MaxAge = TimeSpan.FromDays(30),
                });
                var embed = new CookieOptions { Secure = true, SameSite = SameSiteMode.None, Expires = DateTimeOffset.UtcNow.AddDays(1) };
                response.Cookies.Append("embed", "1", embed);
                response.Cookies.Delete("old");
            }
        }
        """,
        [
            ("appsettings.json", """
                {
                  "TypedSessions": { "Store": "Sqlite", "IdleTimeout": "00:20:00", "Cookie": { "Name": "shop", "SameSite": "Strict" } },
                  "Session": { "Cookie": { "SecurePolicy": "Always", "Name": "__Host-s" }, "IdleTimeout": "00:15:00" }
                }
                """),
            ("appsettings.Development.json", """{ "Logging": { "LogLevel": { "Default": "Debug" } } }"""),
        ],
        null);

    [Fact]
    public Task The_ShopSample_program_and_its_appsettings() => VerifyAppFileAsync(
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "samples", "ShopSample", "Program.cs")),
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "samples", "ShopSample"), "appsettings*.json")
            .Select(path => (Path.GetFileName(path), File.ReadAllText(path)))
            .ToArray(),
        // Program.cs alone does not compile (the sample's other files are not included); the analyzer still runs on it.
        CompilerDiagnostics.None);

    [Fact]
    public Task The_ShopSample_program_is_really_analyzed_an_insecure_setting_in_its_appsettings_is_reported()
    {
        // Guards the test above: the same Program.cs with a weakened TypedSessions section is reported,
        // so the sample is not silently skipped (e.g. because AddTypedSessions did not bind).
        var folder = Path.Combine(RepositoryPaths.Root, "samples", "ShopSample");
        return VerifyAppFileAsync(
            File.ReadAllText(Path.Combine(folder, "Program.cs")),
            [("appsettings.json", """{ "TypedSessions": { "Store": "Sqlite", "Cookie": { "SecurePolicy": {|TS1001:"None"|} } } }""")],
            CompilerDiagnostics.None);
    }
}
