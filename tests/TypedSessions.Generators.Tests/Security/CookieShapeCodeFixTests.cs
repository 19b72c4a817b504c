using TypedSessions.CookieSecurity;
using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>The code fixes of the shapes <see cref="CookieShapeTests"/> covers, one at a time and as Fix All.</summary>
public sealed class CookieShapeCodeFixTests
{
    [Fact]
    public Task Secure_from_Request_IsHttps_becomes_true() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context)
            {
                context.Response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, {|TS1002:Secure = context.Request.IsHttps|} });
                context.Response.Cookies.Append("b", "2", new CookieOptions { {|TS1002:Secure = context.Request.Scheme == "https"|}, HttpOnly = true });
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpContext context)
            {
                context.Response.Cookies.Append("a", "1", new CookieOptions { HttpOnly = true, Secure = true });
                context.Response.Cookies.Append("b", "2", new CookieOptions { Secure = true, HttpOnly = true });
            }
        }
        """, SecurityFixKinds.SecureTrue);

    [Fact]
    public Task SameSite_Unspecified_and_an_insecure_switch_arm_become_Lax() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response, int mode)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true, {|TS1012:SameSite = SameSiteMode.Unspecified|} });
                services.AddTypedSessions(o => {|TS1011:o.Cookie.SameSite = mode switch { 1 => SameSiteMode.Strict, _ => SameSiteMode.Unspecified }|});
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services, HttpResponse response, int mode)
            {
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
                services.AddTypedSessions(o => o.Cookie.SameSite = SameSiteMode.Lax);
            }
        }
        """, SecurityFixKinds.SameSiteLax);

    [Fact]
    public Task An_insecure_switch_expression_on_SecurePolicy_becomes_Always() => VerifyFixAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddSession(o => {|TS1010:o.Cookie.SecurePolicy = env.EnvironmentName switch { "Development" => CookieSecurePolicy.None, _ => CookieSecurePolicy.Always }|});
                services.AddAntiforgery(o => {|TS1011:o.Cookie.SecurePolicy = env.EnvironmentName switch { "Staging" => CookieSecurePolicy.None, _ => CookieSecurePolicy.Always }|});
            }
        }
        """, """
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
                services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
            }
        }
        """, SecurityFixKinds.SecurePolicyAlways);

    [Fact]
    public Task Options_created_in_the_Append_call_without_Secure_get_Secure_true() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", {|TS1001:new() { HttpOnly = true }|});
                response.Cookies.Append("b", "2", {|TS1001:new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax }|});
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpResponse response)
            {
                response.Cookies.Append("a", "1", new() { Secure = true, HttpOnly = true });
                response.Cookies.Append("b", "2", new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
            }
        }
        """, SecurityFixKinds.OptionsSecureTrue);

    [Fact]
    public Task Set_Cookie_headers_get_the_Secure_attribute() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context, string id)
            {
                context.Response.Headers.SetCookie = {|TS1001:"theme=dark; HttpOnly"|};
                context.Response.Headers.Append("Set-Cookie", {|TS1001:$"sid={id}; HttpOnly"|});
                context.Response.Headers["Set-Cookie"] = {|TS1001:"a=" + id + "; HttpOnly"|};
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpContext context, string id)
            {
                context.Response.Headers.SetCookie = "theme=dark; HttpOnly; Secure";
                context.Response.Headers.Append("Set-Cookie", $"sid={id}; HttpOnly; Secure");
                context.Response.Headers["Set-Cookie"] = "a=" + id + "; HttpOnly; Secure";
            }
        }
        """, SecurityFixKinds.HeaderSecure);

    [Fact]
    public Task Set_Cookie_headers_get_the_HttpOnly_attribute() => VerifyFixAsync("""
        static class Endpoints
        {
            static void Write(HttpContext context, string id)
            {
                context.Response.Headers.SetCookie = {|TS1003:"theme=dark; Secure"|};
                context.Response.Headers.Append("Set-Cookie", {|TS1003:$"sid={id}; Secure"|});
            }
        }
        """, """
        static class Endpoints
        {
            static void Write(HttpContext context, string id)
            {
                context.Response.Headers.SetCookie = "theme=dark; Secure; HttpOnly";
                context.Response.Headers.Append("Set-Cookie", $"sid={id}; Secure; HttpOnly");
            }
        }
        """, SecurityFixKinds.HeaderHttpOnly);
}
