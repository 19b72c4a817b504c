using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedSessions.Generators;

namespace TypedSessions.Benchmarks;

/// <summary>
/// Time for the source generator on a schema of 100 properties: a cold run (new driver) and an
/// incremental run after an unrelated edit (the IDE's common case: everything cached).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var source = new StringBuilder("using System.Collections.Generic;\nusing TypedSessions;\nnamespace App;\n[SessionSchema]\npublic partial class BigSession\n{\n");
        string[] types = ["string?", "int", "int?", "long", "bool", "System.DateTimeOffset?", "System.Guid", "List<string>", "Dictionary<string, int>", "decimal"];
        for (var i = 0; i < 100; i++)
        {
            source.Append("    public partial ").Append(types[i % types.Length]).Append(" Property").Append(i).AppendLine(" { get; set; }");
        }

        source.AppendLine("}");
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Session).Assembly.Location));
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        _compilation = CSharpCompilation.Create("App", [CSharpSyntaxTree.ParseText(source.ToString(), options)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; internal static class Unrelated { }", options));
        _warm = CSharpGeneratorDriver.Create(new SessionSchemaGenerator()).WithUpdatedParseOptions(options).RunGenerators(_compilation);
        var generated = _warm.GetRunResult().GeneratedTrees.Length;
        if (generated == 0)
        {
            throw new InvalidOperationException("The generator produced nothing for the 100-property schema.");
        }
    }

    [Benchmark(Description = "generator, 100-property schema, cold")]
    public GeneratorDriver Cold() => CSharpGeneratorDriver.Create(new SessionSchemaGenerator()).WithUpdatedParseOptions(_compilation.SyntaxTrees[0].Options).RunGenerators(_compilation);

    [Benchmark(Description = "generator, 100-property schema, after an unrelated edit")]
    public GeneratorDriver Incremental() => _warm.RunGenerators(_edited);
}
