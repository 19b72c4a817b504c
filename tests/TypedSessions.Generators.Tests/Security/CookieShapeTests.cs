using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>
/// Shape classes that used to go unreported (issue 16): options in a readonly field of another class, Secure set only
/// inside an <c>if</c>, switch expressions, <c>Secure = Request.IsHttps</c>, <c>SameSite = Unspecified</c>, a
/// <c>Set-Cookie</c> header written by hand, and target-typed <c>new()</c>. Each positive test has a negative twin:
/// the safe variant of the same shape reports nothing.
/// </summary>
public sealed class CookieShapeTests
{
    // a. A CookieOptions held in a readonly field of another class.
    [Fact]
    public Task TS1001_options_from_a_static_readonly_field_of_another_class_without_Secure() => VerifyAsync("""
        static class CookieDefaults
        {
            public static readonly CookieOptions Implicit = new() { HttpOnly = true };
            public static readonly CookieOptions Explicit = new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax };
            public static readonly CookieOptions Insecure = new() { HttpOnly = true, {|TS1001:Secure = false|} };
        }

        sealed class Controller
        {
            private readonly CookieOptions _options = new() { HttpOnly = true };

            public void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", {|TS1001:CookieDefaults.Implicit|});
                response.Cookies.Append("b", "2", {|TS1001:CookieDefaults.Explicit|});
                response.Cookies.Append("c", "3", CookieDefaults.Insecure);
                response.Cookies.Append("d", "4", {|TS1001:_options|});
            }
        }
        """);

    [Fact]
    public Task No_diagnostic_for_options_from_a_readonly_field_that_is_Secure_in_its_initializer_or_its_static_constructor() => VerifyAsync("""
        static class CookieDefaults
        {
            public static readonly CookieOptions Initialized = new() { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax };
            public static readonly CookieOptions Constructed = new CookieOptions();

            static CookieDefaults()
            {
                Constructed.Secure = true;
                Constructed.HttpOnly = true;
            }
        }

        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", CookieDefaults.Initialized);
                response.Cookies.Append("b", "2", CookieDefaults.Constructed);
            }
        }
        """);

    // b. Secure set only inside an if without else.
    [Fact]
    public Task Secure_set_only_inside_an_if_is_TS1011_and_TS1010_when_only_Development_skips_it() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response, bool https, IHostEnvironment env)
            {
                var options = new CookieOptions { HttpOnly = true };
                if (https)
                {
                    options.Secure = true;
                }

                response.Cookies.Append("a", "1", {|#0:options|});

                var relaxed = new CookieOptions { HttpOnly = true };
                if (!env.IsDevelopment())
                {
                    relaxed.Secure = true;
                }

                response.Cookies.Append("b", "2", {|#1:relaxed|});
            }
        }
        """,
        Diagnostic("TS1011").WithLocation(0).WithArguments("The cookie appended to the response may go without Secure (it is set only when a condition holds)", "https", "TS1001"),
        Diagnostic("TS1010").WithLocation(1).WithArguments("The cookie appended to the response may go without Secure (it is set only when a condition holds)", "!env.IsDevelopment()", "TS1001"));

    [Fact]
    public Task No_diagnostic_when_Secure_is_set_on_both_branches_or_unconditionally_before_the_if() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response, bool strict)
            {
                var options = new CookieOptions { HttpOnly = true };
                if (strict)
                {
                    options.Secure = true;
                    options.SameSite = SameSiteMode.Strict;
                }
                else
                {
                    options.Secure = true;
                    options.SameSite = SameSiteMode.Lax;
                }

                response.Cookies.Append("a", "1", options);

                var always = new CookieOptions { Secure = true, HttpOnly = true };
                if (strict)
                {
                    always.Secure = true;
                }

                response.Cookies.Append("b", "2", always);
            }
        }
        """);

    // c. Switch expressions.
    [Fact]
    public Task Switch_expressions_with_an_insecure_arm_are_TS1011_or_TS1010_for_a_Development_arm_and_the_rule_when_every_arm_is_insecure() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env, HttpResponse response, int mode)
            {
                services.AddSession(o => {|#0:o.Cookie.SecurePolicy = env.EnvironmentName switch { "Development" => CookieSecurePolicy.None, _ => CookieSecurePolicy.Always }|});
                services.AddAntiforgery(o => {|#1:o.Cookie.SecurePolicy = env.EnvironmentName switch { "Staging" => CookieSecurePolicy.None, _ => CookieSecurePolicy.Always }|});
                response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, {|#2:Secure = mode switch { 1 => true, _ => false }|} });
                response.Cookies.Append("b", "2", new CookieOptions { Secure = true, HttpOnly = true, {|#3:SameSite = mode switch { 1 => SameSiteMode.Strict, _ => SameSiteMode.Unspecified }|} });
                services.AddTypedSessions(o => {|TS1001:o.Cookie.SecurePolicy = mode switch { 1 => CookieSecurePolicy.None, _ => CookieSecurePolicy.None }|});
                services.AddTypedSessions(o => {|#4:o.Cookie.HttpOnly = mode switch { _ when env.IsDevelopment() => false, _ => true }|});
            }
        }
        """,
        Diagnostic("TS1010").WithLocation(0).WithArguments("The session cookie (AddSession)'s SecurePolicy may be None", "env.EnvironmentName switch", "TS1001"),
        Diagnostic("TS1011").WithLocation(1).WithArguments("The antiforgery cookie's SecurePolicy may be None", "env.EnvironmentName switch", "TS1001"),
        Diagnostic("TS1011").WithLocation(2).WithArguments("The cookie's Secure may be false", "mode switch", "TS1001"),
        Diagnostic("TS1011").WithLocation(3).WithArguments("The cookie's SameSite may be Unspecified", "mode switch", "TS1012"),
        Diagnostic("TS1010").WithLocation(4).WithArguments("The TypedSessions session cookie's HttpOnly may be false", "mode switch", "TS1003"));

    [Fact]
    public Task No_diagnostic_for_switch_expressions_whose_every_arm_is_secure() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env, HttpResponse response, int mode)
            {
                services.AddSession(o => o.Cookie.SecurePolicy = env.EnvironmentName switch { "Development" => CookieSecurePolicy.Always, _ => CookieSecurePolicy.Always });
                response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, Secure = mode switch { 1 => true, _ => true } });
                response.Cookies.Append("b", "2", new CookieOptions { Secure = true, HttpOnly = true, SameSite = mode switch { 1 => SameSiteMode.Strict, _ => SameSiteMode.Lax } });
            }
        }
        """);

    // d. Secure = Request.IsHttps.
    [Fact]
    public Task TS1002_Secure_from_Request_IsHttps_directly_through_a_local_and_from_the_scheme() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context)
            {
                context.Response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, {|TS1002:Secure = context.Request.IsHttps|} });
                var secure = context.Request.IsHttps;
                context.Response.Cookies.Append("b", "2", new CookieOptions { HttpOnly = true, {|TS1002:Secure = secure|} });
                context.Response.Cookies.Append("c", "3", new CookieOptions { HttpOnly = true, {|TS1002:Secure = context.Request.Scheme == "https"|} });
            }
        }
        """);

    [Fact]
    public Task No_diagnostic_for_Secure_true_next_to_a_request_check() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context)
            {
                if (context.Request.IsHttps)
                {
                    context.Response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, Secure = true });
                }

                var onHttps = context.Request.IsHttps;
                context.Response.Cookies.Append("b", "2", new CookieOptions { HttpOnly = true, Secure = true, IsEssential = onHttps });
            }
        }
        """);

    // e. SameSite = Unspecified.
    [Fact]
    public Task TS1012_SameSite_Unspecified_on_CookieOptions_cookie_builders_TypedSessions_and_appsettings() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true, {|TS1012:SameSite = SameSiteMode.Unspecified|} });
                services.AddSession(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    {|TS1012:o.Cookie.SameSite = SameSiteMode.Unspecified|};
                });
                services.AddTypedSessions(o => {|TS1012:o.Cookie.SameSite = SameSiteMode.Unspecified|});
            }
        }
        """,
        [("appsettings.json", """{ "TypedSessions": { "Cookie": { "SameSite": {|TS1012:"unspecified"|} } } }""")],
        null);

    [Fact]
    public Task No_TS1012_for_Lax_or_Strict_and_suppressed_by_a_policy_raising_SameSite_to_Lax() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response, IApplicationBuilder app)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
                services.AddTypedSessions(o => o.Cookie.SameSite = SameSiteMode.Strict);
                services.AddAntiforgery(o => o.Cookie.SameSite = SameSiteMode.Unspecified);
                app.UseCookiePolicy(new CookiePolicyOptions { MinimumSameSitePolicy = SameSiteMode.Lax });
            }
        }
        """,
        Diagnostic("TS1012").WithSpan(16, 38, 16, 82).WithIsSuppressed(true));

    // f. A Set-Cookie header written by hand.
    [Fact]
    public Task TS1001_and_TS1003_for_Set_Cookie_headers_without_Secure_or_HttpOnly_in_every_way_of_writing_them() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context, string id)
            {
                context.Response.Headers.SetCookie = {|#0:"theme=dark; path=/"|};
                context.Response.Headers.Append("Set-Cookie", {|#1:$"sid={id}; Path=/; HttpOnly"|});
                context.Response.Headers["set-cookie"] = {|#2:"lang=en; SECURE"|};
                context.Response.Headers.Add(Microsoft.Net.Http.Headers.HeaderNames.SetCookie, {|#3:"a=" + id + "; Secure; SameSite=Lax"|});
                context.Response.Headers.Append("set-cookie", {|#4:$"b={id}"|});
            }
        }
        """,
        Diagnostic("TS1001").WithLocation(0).WithArguments("cookie written as a Set-Cookie header", "the header has no Secure attribute", "add \"; Secure\""),
        Diagnostic("TS1003").WithLocation(0).WithArguments("cookie written as a Set-Cookie header", "the header has no HttpOnly attribute"),
        Diagnostic("TS1001").WithLocation(1),
        Diagnostic("TS1003").WithLocation(2),
        Diagnostic("TS1003").WithLocation(3),
        Diagnostic("TS1001").WithLocation(4),
        Diagnostic("TS1003").WithLocation(4));

    [Fact]
    public Task No_diagnostic_for_complete_Set_Cookie_headers_deletions_other_headers_and_values_the_analysis_cannot_read() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context, string id, string header, string attributes)
            {
                context.Response.Headers.SetCookie = "theme=dark; Path=/; Secure; HttpOnly; SameSite=Lax";
                context.Response.Headers.Append("Set-Cookie", $"sid={id}; secure; httponly");
                context.Response.Headers.Append("Set-Cookie", header);
                context.Response.Headers.Append("Set-Cookie", $"sid={id}; {attributes}");
                context.Response.Headers.Append("X-Theme", "theme=dark");
                context.Response.Headers["Cache-Control"] = "no-store";
                context.Response.Headers.Append("Set-Cookie", "theme=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/");
                context.Response.Headers.Append("Set-Cookie", "lang=en; Max-Age=0");
            }
        }
        """);

    [Fact]
    public Task A_cookie_policy_does_not_suppress_a_Set_Cookie_header_written_by_hand() => VerifyAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context, IApplicationBuilder app)
            {
                app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.Always, HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always });
                context.Response.Headers.SetCookie = {|#0:"theme=dark; Path=/"|};
            }
        }
        """,
        Diagnostic("TS1001").WithLocation(0),
        Diagnostic("TS1003").WithLocation(0));

    // g. Target-typed new().
    [Fact]
    public Task TS1001_target_typed_new_options_without_Secure_inline_in_a_local_and_in_a_field() => VerifyAsync("""
        sealed class Endpoints
        {
            private static readonly CookieOptions Shared = new();

            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", {|TS1001:new() { HttpOnly = true }|});
                CookieOptions options = new() { HttpOnly = true };
                response.Cookies.Append("b", "2", {|TS1001:options|});
                response.Cookies.Append("c", "3", {|TS1001:Shared|});
                response.Cookies.Append("d", "4", new() { HttpOnly = true, {|TS1001:Secure = false|} });
            }
        }
        """);

    [Fact]
    public Task No_diagnostic_for_target_typed_new_options_with_Secure() => VerifyAsync("""
        sealed class Endpoints
        {
            private static readonly CookieOptions Shared = new() { Secure = true, HttpOnly = true };

            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", new() { Secure = true, HttpOnly = true });
                CookieOptions options = new() { Secure = true };
                response.Cookies.Append("b", "2", options);
                response.Cookies.Append("c", "3", Shared);
            }
        }
        """);
}
