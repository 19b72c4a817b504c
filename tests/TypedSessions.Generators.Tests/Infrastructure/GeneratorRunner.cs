using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedSessions.Generators.Tests.Infrastructure;

/// <summary>Compiles test sources and runs the generator over them.</summary>
internal static class GeneratorRunner
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources)
        => CSharpCompilation.Create(
            "SchemaTests",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // As the .NET SDK does (NoWarn 1701;1702): MessagePack is built against an older System.Runtime, which
                // the generated value formatters now reference.
                .WithSpecificDiagnosticOptions([new("CS1701", ReportDiagnostic.Suppress), new("CS1702", ReportDiagnostic.Suppress)]));

    public static CSharpGeneratorDriver CreateDriver(bool trackSteps = false)
        => CSharpGeneratorDriver.Create(
            [new SessionSchemaGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns the output compilation and the generator's result.</summary>
    public static (Compilation Output, GeneratorRunResult Result) Run(Compilation input)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return (output, driver.GetRunResult().Results.Single());
    }

    /// <summary>
    /// Runs the generator as the compiler does; returns the generator's diagnostics (the TS0xxx schema
    /// diagnostics) and the compilation with the generated sources.
    /// </summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output) RunWithDiagnostics(Compilation input)
    {
        CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        return (diagnostics, output);
    }

    /// <summary>The schema diagnostics the generator reports for <paramref name="compilation"/>.</summary>
    public static ImmutableArray<Diagnostic> SchemaDiagnostics(Compilation compilation) => RunWithDiagnostics(compilation).Diagnostics;
}
