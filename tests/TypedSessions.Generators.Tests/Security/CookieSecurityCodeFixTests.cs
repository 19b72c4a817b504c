using TypedSessions.Generators;
using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>The code fixes, one at a time and as Fix All (every test has two or more diagnostics fixed by one key).</summary>
public sealed class CookieSecurityCodeFixTests
{
    [Fact]
    public Task SecurePolicy_becomes_Always_for_None_SameAsRequest_and_a_ternary() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddSession(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
                services.AddAntiforgery(o => o.Cookie = new CookieBuilder { {|TS1002:SecurePolicy = CookieSecurePolicy.SameAsRequest|} });
                services.AddTypedSessions(o => {|TS1010:o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                services.AddAntiforgery(o => o.Cookie = new CookieBuilder { SecurePolicy = CookieSecurePolicy.Always });
                services.AddTypedSessions(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
            }
        }
        """, SecurityFixKinds.SecurePolicyAlways);

    [Fact]
    public Task Secure_becomes_true() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                var secure = false;
                response.Cookies.Append("a", "1", new CookieOptions { {|TS1001:Secure = false|} });
                response.Cookies.Append("b", "2", new CookieOptions { {|TS1001:Secure = secure|}, HttpOnly = true });
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                var secure = false;
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true });
                response.Cookies.Append("b", "2", new CookieOptions { Secure = true, HttpOnly = true });
            }
        }
        """, SecurityFixKinds.SecureTrue);

    [Fact]
    public Task HttpOnly_becomes_true() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddTypedSessions(o => {|TS1003:o.Cookie.HttpOnly = false|});
                services.AddSession(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    {|TS1003:o.Cookie.HttpOnly = false|};
                });
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddTypedSessions(o => o.Cookie.HttpOnly = true);
                services.AddSession(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    o.Cookie.HttpOnly = true;
                });
            }
        }
        """, SecurityFixKinds.HttpOnlyTrue);

    [Fact]
    public Task SameSite_None_becomes_Lax() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { {|TS1004:SameSite = SameSiteMode.None|}, HttpOnly = true, {|TS1002:Secure = false|} });
                services.AddAntiforgery(o => {|TS1004:o.Cookie.SameSite = SameSiteMode.None|});
            }
        }
        """.Replace("{|TS1002:Secure = false|}", "{|TS1001:Secure = false|}", StringComparison.Ordinal), """
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { SameSite = SameSiteMode.Lax, HttpOnly = true, {|TS1001:Secure = false|} });
                services.AddAntiforgery(o => o.Cookie.SameSite = SameSiteMode.Lax);
            }
        }
        """, SecurityFixKinds.SameSiteLax);

    [Fact]
    public Task Domain_is_removed_from_initializers_and_statements() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, {|TS1005:Domain = "example.com"|}, HttpOnly = true });
                services.AddTypedSessions(o =>
                {
                    {|TS1005:o.Cookie.Domain = "example.com"|};
                    o.Cookie.Name = "shop";
                });
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true });
                services.AddTypedSessions(o =>
                {
                    o.Cookie.Name = "shop";
                });
            }
        }
        """, SecurityFixKinds.RemoveAssignment);
}
