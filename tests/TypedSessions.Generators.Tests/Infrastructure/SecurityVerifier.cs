using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using TypedSessions.CodeFixes;
using TypedSessions.CookieSecurity;

namespace TypedSessions.Generators.Tests.Infrastructure;

/// <summary>
/// roslyn-sdk tests for the cookie and session security analyzer (TS1xxx) and its code fixes, on
/// offline references. The sources must compile: the shapes tested are the ones real apps write.
/// </summary>
internal static class SecurityVerifier
{
    private static readonly ReferenceAssemblies Offline = new("net10.0");

    public const string Usings = """
        using System;
        using Microsoft.AspNetCore.Antiforgery;
        using Microsoft.AspNetCore.Authentication.Cookies;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using TypedSessions;

        """;

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
        => VerifyAsync(source, [], null, expected);

    /// <param name="source">C# code (the usings above are prepended).</param>
    /// <param name="additionalFiles">(file name, content) pairs, e.g. appsettings.json; markup allowed.</param>
    /// <param name="editorConfig">Lines for the [*] section of a root .editorconfig, or null.</param>
    /// <param name="expected">Diagnostics not written as markup.</param>
    public static Task VerifyAsync(string source, (string Name, string Content)[] additionalFiles, string? editorConfig, params DiagnosticResult[] expected)
        => VerifyAsync(Usings + source, additionalFiles, editorConfig, CompilerDiagnostics.Errors, expected);

    /// <summary>
    /// Runs on an app file as it is, with the Web SDK's global usings; compiler diagnostics at
    /// <paramref name="compilerDiagnostics"/> are checked too.
    /// </summary>
    public static Task VerifyAppFileAsync(string source, (string Name, string Content)[] additionalFiles, CompilerDiagnostics compilerDiagnostics)
        => VerifyAsync(source, additionalFiles, null, compilerDiagnostics, TestReferences.WebSdkGlobalUsings);

    private static Task VerifyAsync(string source, (string Name, string Content)[] additionalFiles, string? editorConfig, CompilerDiagnostics compilerDiagnostics, params DiagnosticResult[] expected)
        => VerifyAsync(source, additionalFiles, editorConfig, compilerDiagnostics, null, expected);

    private static Task VerifyAsync(
        string source, (string Name, string Content)[] additionalFiles, string? editorConfig, CompilerDiagnostics compilerDiagnostics, string? extraSource, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = source, CompilerDiagnostics = compilerDiagnostics };
        if (extraSource is not null)
        {
            test.TestState.Sources.Add(("GlobalUsings.cs", extraSource));
        }

        foreach (var (name, content) in additionalFiles)
        {
            test.TestState.AdditionalFiles.Add(("/app/" + name, content));
        }

        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*]\n" + editorConfig + "\n"));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Runs one fix (the first diagnostic's) and Fix All with the equivalence key of <paramref name="fixKind"/>.</summary>
    /// <param name="compilationEnd">
    /// True when the fixed diagnostics are compilation-end ones (TS1008): the roslyn-sdk check that every
    /// diagnostic is also reported by per-document analysis is then skipped. Block-reported rules keep it.
    /// </param>
    public static Task VerifyFixAsync(string source, string fixedSource, string fixKind, int fixAllIterations = 1, bool compilationEnd = false)
    {
        var test = new CodeFixTest
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = CookieSecurityCodeFixProvider.EquivalenceKeyPrefix + fixKind,
            NumberOfFixAllIterations = fixAllIterations,
        };
        test.FixedState.MarkupHandling = MarkupMode.Allow;

        if (compilationEnd)
        {
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        }

        return test.RunAsync();
    }

    public static DiagnosticResult Diagnostic(string id)
        => new(id, new CookieSecurityAnalyzer().SupportedDiagnostics.First(d => d.Id == id).DefaultSeverity);

    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = Offline;

        // Each TS1xxx id has a block descriptor and a compilation-end one (same text and severity).
        test.MarkupOptions = MarkupOptions.UseFirstDescriptor;
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
    }

    // The analyzer runs with the suppressor that applies the UseCookiePolicy mitigation, as in a build.
    private static IEnumerable<DiagnosticAnalyzer> Analyzers() => [new CookieSecurityAnalyzer(), new CookiePolicySuppressor()];

    private sealed class AnalyzerTest : CSharpAnalyzerTest<CookieSecurityAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest() => Configure(this);

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers();
    }

    private sealed class CodeFixTest : CSharpCodeFixTest<CookieSecurityAnalyzer, CookieSecurityCodeFixProvider, DefaultVerifier>
    {
        public CodeFixTest() => Configure(this);

        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers();
    }
}
