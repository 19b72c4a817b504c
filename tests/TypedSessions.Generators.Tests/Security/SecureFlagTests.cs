using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>TS1001/TS1002: the Secure attribute turned off or weakened, in every shape a setting can take.</summary>
public sealed class SecureFlagTests
{
    [Fact]
    public Task TS1001_TypedSessions_cookie_SecurePolicy_None_in_the_AddTypedSessions_lambda() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
                => services.AddTypedSessions(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
        }
        """);

    [Fact]
    public Task TS1001_session_cookie_in_AddSession_lambda_nested_initializer_and_method_group() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
                services.AddSession(o => o.Cookie = new CookieBuilder { Name = "s", {|TS1001:SecurePolicy = CookieSecurePolicy.None|} });
                services.Configure<SessionOptions>(ConfigureSession);
                services.PostConfigure<SessionOptions>(o => { o.IdleTimeout = TimeSpan.FromMinutes(10); {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|}; });
            }

            static void ConfigureSession(SessionOptions options)
            {
                {|TS1001:options.Cookie.SecurePolicy = CookieSecurePolicy.None|};
            }
        }
        """);

    [Fact]
    public Task TS1001_authentication_and_antiforgery_cookies() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddAuthentication().AddCookie(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
                services.ConfigureApplicationCookie(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
                services.AddAntiforgery(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
            }
        }
        """);

    [Fact]
    public Task TS1001_through_a_const_a_static_readonly_field_and_a_local_assigned_once() => VerifyAsync("""
        static class Startup
        {
            const CookieSecurePolicy Policy = CookieSecurePolicy.None;
            static readonly CookieSecurePolicy ReadOnlyPolicy = CookieSecurePolicy.None;
            static readonly bool Secure = false;

            static void Configure(IServiceCollection services, HttpResponse response)
            {
                services.AddSession(o => {|TS1001:o.Cookie.SecurePolicy = Policy|});
                services.AddAntiforgery(o => {|TS1001:o.Cookie.SecurePolicy = ReadOnlyPolicy|});
                var policy = CookieSecurePolicy.None;
                services.AddTypedSessions(o => {|TS1001:o.Cookie.SecurePolicy = policy|});
                response.Cookies.Append("k", "v", new CookieOptions { {|TS1001:Secure = Secure|} });
            }
        }
        """);

    [Fact]
    public Task TS1001_CookieOptions_Secure_false_and_options_reaching_Append_without_Secure() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, {|TS1001:Secure = false|} });
                response.Cookies.Append("b", "2", {|TS1001:new CookieOptions { HttpOnly = true }|});
                var options = new CookieOptions();
                options.HttpOnly = true;
                response.Cookies.Append("c", "3", {|TS1001:options|});
            }
        }
        """);

    [Fact]
    public Task TS1002_SameAsRequest_is_a_warning() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.AddSession(o => {|TS1002:o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest|});
                services.AddTypedSessions(o => o.Cookie = new SessionCookieOptions { {|TS1002:SecurePolicy = CookieSecurePolicy.SameAsRequest|} });
            }
        }
        """);

    [Fact]
    public Task TS1001_Append_with_a_key_and_a_value_only() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context, IResponseCookies cookies, string theme)
            {
                {|TS1001:context.Response.Cookies.Append("theme", theme)|};
                {|TS1001:cookies.Append("lang", "en")|};
                cookies.Delete("theme");
            }
        }
        """);

    [Fact]
    public Task No_diagnostic_for_Secure_always_and_for_options_the_analysis_cannot_see() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response, CookieOptions shared, bool flag)
            {
                services.AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                services.AddTypedSessions(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true });
                var options = new CookieOptions { Secure = true };
                response.Cookies.Append("b", "2", options);
                response.Cookies.Append("c", "3", shared);
                response.Cookies.Append("d", "4", new CookieOptions { Secure = flag });
            }
        }
        """);

    [Fact]
    public Task UseCookiePolicy_with_Secure_Always_mitigates_every_Secure_rule() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response, IApplicationBuilder app)
            {
                services.AddSession();
                services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
                response.Cookies.Append("a", "1", new CookieOptions { Secure = false });
                response.Cookies.Append("b", "2");
                app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.Always, MinimumSameSitePolicy = SameSiteMode.Lax });
            }
        }
        """,
        // The block-reported TS1001s are suppressed by CookiePolicySuppressor (TS1008, compilation-end, is not reported at all).
        Diagnostic("TS1001").WithSpan(15, 38, 15, 85).WithIsSuppressed(true),
        Diagnostic("TS1001").WithSpan(16, 63, 16, 77).WithIsSuppressed(true),
        Diagnostic("TS1001").WithSpan(17, 9, 17, 42).WithIsSuppressed(true));

    [Fact]
    public Task A_CookiePolicyOptions_that_is_never_used_mitigates_nothing() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services)
            {
                services.Configure<CookiePolicyOptions>(o => o.Secure = CookieSecurePolicy.Always);
                services.AddAntiforgery(o => {|TS1001:o.Cookie.SecurePolicy = CookieSecurePolicy.None|});
            }
        }
        """);
}
