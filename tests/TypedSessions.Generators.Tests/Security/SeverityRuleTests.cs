using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSessions.CookieSecurity;
using TypedSessions.Generators.Tests.Infrastructure;
using static TypedSessions.Generators.Tests.Infrastructure.SecurityVerifier;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>
/// The severity rule (docs/diagnostics/README.md, "Severity rule"): Warning when a path can send the cookie out
/// insecure outside Development; Info only for a relaxation that the Development environment alone takes, or for
/// advice with no insecure path. The defaults follow it, each page states it, and the conditions are told apart.
/// </summary>
public sealed class SeverityRuleTests
{
    public static TheoryData<string, DiagnosticSeverity> Severities => new()
    {
        { "TS1001", DiagnosticSeverity.Warning },
        { "TS1002", DiagnosticSeverity.Warning },
        { "TS1003", DiagnosticSeverity.Warning },
        { "TS1004", DiagnosticSeverity.Warning },
        { "TS1005", DiagnosticSeverity.Warning },
        { "TS1006", DiagnosticSeverity.Warning },
        { "TS1007", DiagnosticSeverity.Warning },
        { "TS1008", DiagnosticSeverity.Warning },
        { "TS1009", DiagnosticSeverity.Info },
        { "TS1010", DiagnosticSeverity.Info },
        { "TS1011", DiagnosticSeverity.Warning },
        { "TS1012", DiagnosticSeverity.Warning },
    };

    [Theory]
    [MemberData(nameof(Severities))]
    public void Default_severity_follows_the_rule_and_the_page_states_it(string id, DiagnosticSeverity severity)
    {
        var descriptors = typeof(SecurityDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<DiagnosticDescriptor>().Where(d => d.Id == id).ToList();
        Assert.Equal(severity, Assert.Single(descriptors).DefaultSeverity);

        var page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", id + ".md"));
        Assert.Contains($"| Severity | {severity} |", page, StringComparison.Ordinal);
        Assert.Contains("## Severity", page, StringComparison.Ordinal);
        Assert.Contains("README.md#severity-rule", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_security_rule_is_covered_by_this_table()
        => Assert.Equal(
            new CookieSecurityAnalyzer().SupportedDiagnostics.Select(d => d.Id).Distinct().Order(),
            Severities.Select(row => (string)row[0]).Order());

    [Fact]
    public Task Development_only_conditions_are_TS1010() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env, bool flag)
            {
                services.AddSession(o => {|TS1010:o.Cookie.SecurePolicy = !env.IsDevelopment() ? CookieSecurePolicy.Always : CookieSecurePolicy.None|});
                services.AddSession(o => {|TS1010:o.Cookie.SecurePolicy = env.IsDevelopment() && flag ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
                services.AddSession(o => {|TS1010:o.Cookie.SecurePolicy = env.IsEnvironment("development") ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
                services.AddSession(o => {|TS1010:o.Cookie.SecurePolicy = env.EnvironmentName == Environments.Development ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
                services.AddSession(o => {|TS1010:o.Cookie.SecurePolicy = env.EnvironmentName != "Development" ? CookieSecurePolicy.Always : CookieSecurePolicy.None|});
                services.AddAntiforgery(o =>
                {
                    if (env.IsDevelopment() && !flag)
                    {
                        {|TS1010:o.Cookie.HttpOnly = false|};
                    }
                });

                var policy = CookieSecurePolicy.Always;
                if (env.IsDevelopment())
                {
                    policy = CookieSecurePolicy.None;
                }

                services.AddTypedSessions(o => {|TS1010:o.Cookie.SecurePolicy = policy|});
            }
        }
        """);

    [Fact]
    public Task Conditions_that_do_not_limit_the_insecure_path_to_Development_are_TS1011() => VerifyAsync("""
        static class Startup
        {
            static void Configure(IServiceCollection services, IHostEnvironment env, bool flag)
            {
                services.AddSession(o => {|TS1011:o.Cookie.SecurePolicy = env.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.None|});
                services.AddSession(o => {|TS1011:o.Cookie.SecurePolicy = flag ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
                services.AddSession(o => {|TS1011:o.Cookie.SecurePolicy = env.IsDevelopment() || flag ? CookieSecurePolicy.None : CookieSecurePolicy.Always|});
                services.AddSession(o => {|TS1011:o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.Always : CookieSecurePolicy.None|});
                services.AddAntiforgery(o =>
                {
                    if (!env.IsProduction())
                    {
                        {|TS1011:o.Cookie.HttpOnly = false|};
                    }
                });
            }
        }
        """);

    [Fact]
    public async Task A_command_line_build_shows_TS1002_and_TS1011_as_warnings_and_keeps_TS1010_as_info()
    {
        // What "Info is invisible in builds" was about: the compilation's diagnostics at their effective severity.
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Severity",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Usings + """
                static class Startup
                {
                    static void Configure(IServiceCollection services, IHostEnvironment env, bool flag)
                    {
                        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
                        services.AddSession(o => o.Cookie.SecurePolicy = flag ? CookieSecurePolicy.None : CookieSecurePolicy.Always);
                        services.AddTypedSessions(o => o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.Always);
                    }
                }
                """, GeneratorRunner.ParseOptions)],
            TestReferences.All,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var diagnostics = await compilation.WithAnalyzers([new CookieSecurityAnalyzer()]).GetAllDiagnosticsAsync(CancellationToken.None);
        Assert.Equal(
            [("TS1002", DiagnosticSeverity.Warning), ("TS1010", DiagnosticSeverity.Info), ("TS1011", DiagnosticSeverity.Warning)],
            diagnostics.Where(d => d.Id.StartsWith("TS1", StringComparison.Ordinal)).Select(d => (d.Id, d.Severity)).Order());
    }
}
