using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TypedSessions.CodeFixes;

namespace TypedSessions.Generators.Tests.Infrastructure;

/// <summary>
/// roslyn-sdk tests for the schema diagnostics and code fixes. The generator reports the TS0xxx diagnostics
/// (there is no schema analyzer), so the tests run it as the IDE does, with offline references (no reference
/// packs are downloaded).
/// </summary>
internal static class SchemaVerifier
{
    // No reference-assembly package: nothing is resolved from NuGet; TestReferences supplies everything.
    private static readonly ReferenceAssemblies Offline = new("net10.0");

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using MessagePack;
        using TypedSessions;

        """;

    public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = Usings + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task VerifyCodeFixAsync(string source, string fixedSource, string equivalenceKey, int fixAllIterations = 1)
    {
        var test = new CodeFixTest
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
            NumberOfFixAllIterations = fixAllIterations,
        };

        // Diagnostics that remain after the fix are written as markup in the fixed code too.
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }

    public static DiagnosticResult Diagnostic(string id)
        => new(id, DiagnosticDescriptors.ById[id].DefaultSeverity);

    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = Offline;
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        // Compiler errors are what the schema diagnostics explain; the tests pin the TS diagnostics only.
        test.CompilerDiagnostics = CompilerDiagnostics.None;
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable);
            return solution.WithProjectCompilationOptions(projectId, options)
                .WithProjectParseOptions(projectId, new CSharpParseOptions(LanguageVersion.Latest));
        });
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<EmptyDiagnosticAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest() => Configure(this);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(SessionSchemaGenerator)];
    }

    private sealed class CodeFixTest : CSharpCodeFixTest<EmptyDiagnosticAnalyzer, MakePartialCodeFixProvider, DefaultVerifier>
    {
        public CodeFixTest() => Configure(this);

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(SessionSchemaGenerator)];
    }
}
