using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.AnalyzerComparison.Tests.Infrastructure;

/// <summary>What each tool reported on one shape: the counted ids that landed in the shape's files.</summary>
internal sealed record ShapeResult(Shape Shape, ImmutableDictionary<string, ImmutableSortedSet<string>> IdsByTool)
{
    public bool DetectedBy(Tool tool) => !IdsByTool[tool.Name].IsEmpty;
}

/// <summary>
/// Compiles each shape on its own (with the Web SDK's implicit usings, against the offline references
/// of the generator tests) and runs each tool on it with CompilationWithAnalyzers.
/// </summary>
internal static class ComparisonRunner
{
    private static readonly Lazy<Task<ImmutableArray<ShapeResult>>> Results = new(RunAllAsync);

    /// <summary>Every shape × tool, computed once per test run.</summary>
    public static Task<ImmutableArray<ShapeResult>> AllAsync() => Results.Value;

    private static async Task<ImmutableArray<ShapeResult>> RunAllAsync()
    {
        // The shapes are independent compilations: analyze them on every core, keep the corpus order.
        var shapes = Corpus.All.ToList();
        var results = new ShapeResult[shapes.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, shapes.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (index, _) => results[index] = await RunAsync(shapes[index]).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. results];
    }

    public static async Task<ShapeResult> RunAsync(Shape shape)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(TestReferences.WebSdkGlobalUsings, parse, "/corpus/GlobalUsings.g.cs"),
            CSharpSyntaxTree.ParseText(await File.ReadAllTextAsync(shape.SourcePath).ConfigureAwait(false), parse, shape.TreePath),
        };
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithSyntaxTreeOptionsProvider(NoTreeOptions.Instance);
        var compilation = CSharpCompilation.Create("Corpus_" + shape.Name.Replace('-', '_'), trees, TestReferences.All, options);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The corpus file " + shape.Name + " does not compile:\n" + string.Join("\n", errors));
        }

        var settings = new List<AdditionalText>();
        foreach (var (fileName, path) in shape.AppSettings)
        {
            settings.Add(new InMemoryText(shape.AdditionalPath(fileName), await File.ReadAllTextAsync(path).ConfigureAwait(false)));
        }

        var shapePaths = settings.Select(s => s.Path).Append(shape.TreePath).ToHashSet(StringComparer.Ordinal);
        var byTool = ImmutableDictionary.CreateBuilder<string, ImmutableSortedSet<string>>();
        foreach (var tool in Tools.All)
        {
            var diagnostics = await AnalyzeAsync(compilation, tool, settings).ConfigureAwait(false);
            byTool[tool.Name] = diagnostics
                .Where(d => tool.CountedIds.Contains(d.Id) && shapePaths.Contains(d.Location.GetLineSpan().Path))
                .Select(d => d.Id)
                .ToImmutableSortedSet(StringComparer.Ordinal);
        }

        return new ShapeResult(shape, byTool.ToImmutable());
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(CSharpCompilation compilation, Tool tool, List<AdditionalText> settings)
    {
        var specific = tool.Descriptors.ToDictionary(
            d => d.Id,
            d => tool.EnabledIds.Contains(d.Id) ? ReportDiagnostic.Warn : ReportDiagnostic.Suppress);
        var configured = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(specific));
        var exceptions = new ConcurrentBag<string>();
        var analyzerOptions = new AnalyzerOptions([.. settings, .. tool.ConfigurationFiles]);
        var withAnalyzers = configured.WithAnalyzers(
            tool.Analyzers,
            new CompilationWithAnalyzersOptions(
                analyzerOptions,
                onAnalyzerException: (exception, analyzer, _) => exceptions.Add(analyzer + ": " + exception),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        if (!exceptions.IsEmpty)
        {
            throw new InvalidOperationException(tool.Name + " failed on " + compilation.AssemblyName + ":\n" + string.Join("\n", exceptions));
        }

        return diagnostics;
    }
}
