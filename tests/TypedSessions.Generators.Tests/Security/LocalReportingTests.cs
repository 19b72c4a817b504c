using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSessions.CookieSecurity;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Security;

/// <summary>
/// What the IDE sees: settings one member decides are reported by operation-block actions (per-document
/// analysis, no compilation-end pass), and the app-wide UseCookiePolicy mitigation suppresses them
/// through <see cref="CookiePolicySuppressor"/>, silencing the build.
/// </summary>
public sealed class LocalReportingTests
{
    private const string Settings = SecurityVerifier.Usings + """
        static class Settings
        {
            static void Configure(IServiceCollection services, HttpResponse response, IHostEnvironment env)
            {
                services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
                services.AddTypedSessions(o => o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.None : CookieSecurePolicy.Always);
                response.Cookies.Append("a", "1", new CookieOptions { Secure = true, HttpOnly = false });
            }
        }
        """;

    private const string Shared = SecurityVerifier.Usings + """
        static class Shared
        {
            static readonly CookieOptions Options = new();

            static void Configure(IServiceCollection services)
            {
                Options.Secure = false;
                services.AddSession();
            }
        }
        """;

    private const string Policy = SecurityVerifier.Usings + """
        static class Pipeline
        {
            static void Configure(IApplicationBuilder app)
                => app.UseCookiePolicy(new CookiePolicyOptions
                {
                    Secure = CookieSecurePolicy.Always,
                    HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always,
                    MinimumSameSitePolicy = SameSiteMode.Lax,
                });
        }
        """;

    [Fact]
    public async Task Block_settings_are_reported_by_per_document_analysis_and_field_rooted_ones_and_TS1008_at_compilation_end()
    {
        var compilation = Compile(Settings, Shared);
        var analyzers = compilation.WithAnalyzers([new CookieSecurityAnalyzer()]);

        // One document, one member's span: what the IDE computes for a squiggle; no compilation-end action runs.
        var tree = compilation.SyntaxTrees.First();
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
        var local = await analyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), method.Span, CancellationToken.None);
        Assert.Equal(["TS1001", "TS1003", "TS1010"], local.Select(d => d.Id).Order());
        Assert.All(local, d =>
        {
            Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, d.Descriptor.CustomTags);
            Assert.Equal(tree, d.Location.SourceTree);
        });

        // The field-rooted setting and the bare AddSession() need the whole compilation.
        var sharedTree = compilation.SyntaxTrees.Last();
        Assert.Empty(await analyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(sharedTree), null, CancellationToken.None));
        var all = await analyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        var end = all.Where(d => d.Location.SourceTree == sharedTree).ToList();
        Assert.Equal(["TS1001", "TS1008"], end.Select(d => d.Id).Order());
        Assert.All(end, d => Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, d.Descriptor.CustomTags));
        Assert.Equal(["TS1001", "TS1001", "TS1003", "TS1008", "TS1010"], all.Select(d => d.Id).Order());
    }

    [Fact]
    public async Task UseCookiePolicy_in_another_file_suppresses_the_block_diagnostics_and_the_build_has_no_TS1xxx_warning()
    {
        var compilation = Compile(Settings, Policy);

        // Without the suppressor the block diagnostics stand: the suppressor is what applies the mitigation.
        var unsuppressed = await compilation.WithAnalyzers([new CookieSecurityAnalyzer()]).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Equal(["TS1001", "TS1003", "TS1010"], unsuppressed.Select(d => d.Id).Order());
        Assert.All(unsuppressed, d => Assert.False(d.IsSuppressed));

        ImmutableArray<DiagnosticAnalyzer> both = [new CookieSecurityAnalyzer(), new CookiePolicySuppressor()];
        var withSuppressed = await compilation.WithAnalyzers(both, Options(reportSuppressed: true)).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Equal(["TS1001", "TS1003", "TS1010"], withSuppressed.Select(d => d.Id).Order());
        Assert.All(withSuppressed, d => Assert.True(d.IsSuppressed));

        // The build's view: suppressed diagnostics are dropped, so the compilation has no TS1xxx warning.
        var build = await compilation.WithAnalyzers(both, Options(reportSuppressed: false)).GetAllDiagnosticsAsync(CancellationToken.None);
        Assert.DoesNotContain(build, d => d.Id.StartsWith("TS1", StringComparison.Ordinal));
        Assert.DoesNotContain(build, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public async Task A_policy_forcing_only_HttpOnly_suppresses_TS1003_but_not_the_Secure_rules()
    {
        var compilation = Compile(Settings, Policy
            .Replace("Secure = CookieSecurePolicy.Always,", string.Empty, StringComparison.Ordinal)
            .Replace("MinimumSameSitePolicy = SameSiteMode.Lax,", string.Empty, StringComparison.Ordinal));
        ImmutableArray<DiagnosticAnalyzer> both = [new CookieSecurityAnalyzer(), new CookiePolicySuppressor()];
        var diagnostics = await compilation.WithAnalyzers(both, Options(reportSuppressed: true)).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Equal(
            [("TS1001", false), ("TS1003", true), ("TS1010", false)],
            diagnostics.Select(d => (d.Id, d.IsSuppressed)).Order());
    }

    [Fact]
    public async Task An_object_with_a_setting_read_from_a_static_readonly_field_is_judged_whole_at_compilation_end()
    {
        // Secure comes from a field initialized in another file: the block cannot see it, so the whole
        // object (SameSite = None included) is judged at compilation end, where Secure is known to be true.
        var compilation = Compile(
            SecurityVerifier.Usings + """
                static class Endpoints
                {
                    static void Write(HttpResponse response)
                        => response.Cookies.Append("a", "1", new CookieOptions { Secure = Flags.Secure, SameSite = SameSiteMode.None, HttpOnly = true });
                }
                """,
            "static class Flags { public static readonly bool Secure = true; }");
        var analyzers = compilation.WithAnalyzers([new CookieSecurityAnalyzer()]);
        Assert.Empty(await analyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(compilation.SyntaxTrees.First()), null, CancellationToken.None));
        Assert.Empty(await analyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None));

        // The same object with Secure = false in the field: reported, by the compilation-end action.
        var insecure = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("static class Flags { public static readonly bool Secure = false; }", GeneratorRunner.ParseOptions, path: "File1.cs"));
        var reported = await insecure.WithAnalyzers([new CookieSecurityAnalyzer()]).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Equal(["TS1001", "TS1004"], reported.Select(d => d.Id).Order());
        Assert.All(reported, d => Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, d.Descriptor.CustomTags));
    }

    private static CompilationWithAnalyzersOptions Options(bool reportSuppressed)
        => new(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: reportSuppressed);

    private static CSharpCompilation Compile(params string[] sources)
    {
        var compilation = CSharpCompilation.Create(
            "LocalReporting",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, GeneratorRunner.ParseOptions, path: $"File{i}.cs")),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }
}
