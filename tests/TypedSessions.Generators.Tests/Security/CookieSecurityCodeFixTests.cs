using TypedSessions.CookieSecurity;
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

    [Fact]
    public Task SameSite_None_is_kept_and_Secure_true_is_added_to_CookieOptions() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", {|TS1001:new CookieOptions { {|TS1004:SameSite = SameSiteMode.None|}, HttpOnly = true }|});
                var options = new CookieOptions();
                {|TS1004:options.SameSite = SameSiteMode.None|};
                response.Cookies.Append("b", "2", {|TS1001:options|});
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { SameSite = SameSiteMode.None, Secure = true, HttpOnly = true });
                var options = new CookieOptions();
                options.SameSite = SameSiteMode.None;
                options.Secure = true;
                response.Cookies.Append("b", "2", options);
            }
        }
        """, SecurityFixKinds.AddSecureTrue);

    [Fact]
    public Task SameSite_None_is_kept_and_SecurePolicy_Always_is_added_to_cookie_builders() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddAntiforgery(o =>
                {
                    o.Cookie.Path = "/app";
                    {|TS1004:o.Cookie.SameSite = SameSiteMode.None|};
                });
                services.AddAuthentication().AddCookie(o => o.Cookie = new CookieBuilder { Path = "/app", {|TS1004:SameSite = SameSiteMode.None|} });
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddAntiforgery(o =>
                {
                    o.Cookie.Path = "/app";
                    o.Cookie.SameSite = SameSiteMode.None;
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                });
                services.AddAuthentication().AddCookie(o => o.Cookie = new CookieBuilder { Path = "/app", SameSite = SameSiteMode.None, SecurePolicy = CookieSecurePolicy.Always });
            }
        }
        """, SecurityFixKinds.AddSecurePolicyAlways);

    [Fact]
    public Task Append_without_options_gets_Secure_and_HttpOnly_options() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response, string theme)
            {
                {|TS1001:response.Cookies.Append("theme", theme)|};
                {|TS1001:response.Cookies.Append("lang", "en")|};
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpResponse response, string theme)
            {
                response.Cookies.Append("theme", theme, new CookieOptions { Secure = true, HttpOnly = true });
                response.Cookies.Append("lang", "en", new CookieOptions { Secure = true, HttpOnly = true });
            }
        }
        """, SecurityFixKinds.AppendSecureOptions);

    [Fact]
    public Task A_bare_AddSession_gets_a_lambda_setting_SecurePolicy_Always() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services) => {|TS1008:services.AddSession()|};
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services) => services.AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        }
        """, SecurityFixKinds.AddSessionSecurePolicy, compilationEnd: true);

    [Fact]
    public Task A_cookie_name_literal_gets_the_Host_prefix() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    {|TS1009:o.Cookie.Name = "session"|};
                });
                services.AddAntiforgery(o => o.Cookie = new CookieBuilder { {|TS1009:Name = "xsrf"|}, SecurePolicy = CookieSecurePolicy.Always });
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    o.Cookie.Name = "__Host-session";
                });
                services.AddAntiforgery(o => o.Cookie = new CookieBuilder { Name = "__Host-xsrf", SecurePolicy = CookieSecurePolicy.Always });
            }
        }
        """, SecurityFixKinds.HostPrefix);
}
