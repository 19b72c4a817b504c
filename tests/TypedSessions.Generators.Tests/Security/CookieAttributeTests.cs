using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>TS1003 HttpOnly, TS1004 SameSite=None without Secure, TS1005 Domain, TS1009 the __Host- prefix.</summary>
public sealed class CookieAttributeTests
{
    [Fact]
    public Task TS1003_HttpOnly_false_on_every_cookie_type() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                services.AddTypedSessions(o => {|TS1003:o.Cookie.HttpOnly = false|});
                services.AddSession(o => { o.Cookie.SecurePolicy = CookieSecurePolicy.Always; {|TS1003:o.Cookie.HttpOnly = false|}; });
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, {|TS1003:HttpOnly = false|} });
                var builder = new CookieBuilder { {|TS1003:HttpOnly = false|} };
            }
        }
        """);

    [Fact]
    public Task TS1003_is_mitigated_by_a_cookie_policy_with_HttpOnly_Always() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IApplicationBuilder app)
            {
                services.AddTypedSessions(o => o.Cookie.HttpOnly = false);
                services.Configure<CookiePolicyOptions>(o => o.HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always);
                app.UseCookiePolicy();
            }
        }
        """,
        Diagnostic("TS1003").WithSpan(14, 40, 14, 65).WithIsSuppressed(true));

    [Fact]
    public Task TS1004_SameSite_None_without_Secure_on_the_same_object() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.None });
                response.Cookies.Append("b", "2", {|TS1001:new CookieOptions { HttpOnly = true, {|TS1004:SameSite = SameSiteMode.None|} }|});
                services.AddAntiforgery(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    o.Cookie.SameSite = SameSiteMode.None;
                });
                services.AddSession(o =>
                {
                    {|TS1004:o.Cookie.SameSite = SameSiteMode.None|};
                    {|TS1002:o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest|};
                });
                services.AddTypedSessions(o => o.Cookie.SameSite = SameSiteMode.None);
            }
        }
        """);

    [Fact]
    public Task TS1005_Domain_set_in_code_and_unset_is_fine() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response, IConfiguration configuration)
            {
                services.AddTypedSessions(o => {|TS1005:o.Cookie.Domain = "example.com"|});
                services.AddSession(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    {|TS1005:o.Cookie.Domain = configuration["CookieDomain"]|};
                });
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, {|TS1005:Domain = ".example.com"|} });
                response.Cookies.Append("b", "2", new CookieOptions { Secure = true, Domain = null });
            }
        }
        """);

    [Fact]
    public Task TS1009_a_qualifying_cookie_named_without_the_prefix() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession(o =>
                {
                    {|TS1009:o.Cookie.Name = "app-session"|};
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                });
                services.AddAuthentication().AddCookie(o => o.Cookie = new CookieBuilder
                {
                    {|TS1009:Name = "auth"|},
                    SecurePolicy = CookieSecurePolicy.Always,
                    Path = "/",
                });
                services.AddTypedSessions(o => {|TS1009:o.Cookie.UseHostPrefix = false|});
            }
        }
        """);

    [Fact]
    public Task TS1009_not_for_prefixed_names_nor_cookies_that_do_not_qualify() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession(o =>
                {
                    o.Cookie.Name = "__Host-app-session";
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                });
                services.AddAntiforgery(o =>
                {
                    o.Cookie.Name = "xsrf";
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    o.Cookie.Path = "/app";
                });
                services.AddTypedSessions(o =>
                {
                    o.Cookie.UseHostPrefix = false;
                    o.Cookie.Path = "/shop";
                });
            }
        }
        """);
}
