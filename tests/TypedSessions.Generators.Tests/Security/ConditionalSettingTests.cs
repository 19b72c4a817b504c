using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>
/// TS1010 (Info, a relaxation only Development takes) and TS1011 (Warning, any other insecure path): settings that are
/// insecure only on some paths (ternaries, if/else, environment checks).
/// </summary>
public sealed class ConditionalSettingTests
{
    [Fact]
    public Task TS1010_a_ternary_on_the_environment() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddSession(o => {|#0:o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
            }
        }
        """,
        Diagnostic("TS1010").WithLocation(0).WithArguments("The session cookie (AddSession)'s SecurePolicy may be None", "env.IsDevelopment()", "TS1001"));

    [Fact]
    public Task TS1010_an_assignment_inside_an_if_on_Development_and_TS1011_a_local_insecure_outside_Production() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddTypedSessions(o =>
                {
                    if (env.IsDevelopment())
                    {
                        {|#0:o.Cookie.HttpOnly = false|};
                    }
                });

                bool secure;
                if (env.IsProduction())
                {
                    secure = true;
                }
                else
                {
                    secure = false;
                }

                services.AddAntiforgery(o => {|#1:o.Cookie.SecurePolicy = secure ? CookieSecurePolicy.Always : CookieSecurePolicy.None|});
            }
        }
        """,
        Diagnostic("TS1010").WithLocation(0).WithArguments("The TypedSessions session cookie's HttpOnly may be false", "env.IsDevelopment()", "TS1003"),
        // Not Production is Staging, QA, ... too: a path outside Development, so a Warning.
        Diagnostic("TS1011").WithLocation(1).WithArguments("The antiforgery cookie's SecurePolicy may be None", "secure", "TS1001"));

    [Fact]
    public Task No_TS1010_when_every_branch_is_secure_and_the_rule_itself_when_every_branch_is_insecure() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env)
            {
                services.AddSession(o => o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.Always : CookieSecurePolicy.Always);
                services.AddAntiforgery(o => {|TS1001:o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.None|});
            }
        }
        """);
}
