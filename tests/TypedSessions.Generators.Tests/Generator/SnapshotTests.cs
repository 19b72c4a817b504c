using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Generator;

/// <summary>The generated source, compared with committed snapshots, and proven to compile cleanly.</summary>
public sealed class SnapshotTests
{
    [Theory]
    [InlineData(nameof(TestSchemas.Shop), TestSchemas.Shop)]
    [InlineData(nameof(TestSchemas.Shapes), TestSchemas.Shapes)]
    public async Task Generated_source_matches_the_snapshot_and_compiles_with_no_diagnostics(string name, string source)
    {
        var (output, result) = GeneratorRunner.Run(GeneratorRunner.Compile(source));

        // The schema, the registration, and the value formatters (SessionSchemaGenerator.Formatters.cs).
        Assert.Equal(3, result.GeneratedSources.Length);
        var mismatches = result.GeneratedSources
            .Select(g => Snapshot.Compare(name + "." + g.HintName.Replace(".g.cs", "", StringComparison.Ordinal), g.SourceText.ToString()))
            .OfType<string>()
            .ToList();
        Assert.Empty(mismatches);

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Assert.Empty(await GeneratorRunner.AnalyzeAsync(output));
    }

    [Fact]
    public async Task Property_names_that_match_the_schema_members_do_not_collide()
    {
        var (output, _) = GeneratorRunner.Run(GeneratorRunner.Compile("""
            using TypedSessions;

            [SessionSchema]
            public partial class Colliding
            {
                public partial string? Session { get; set; }
                public partial int AsSession { get; set; }
                public partial int Create { get; set; }
                public partial int BindAsync { get; set; }
            }
            """));

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Assert.Empty(await GeneratorRunner.AnalyzeAsync(output));
    }

    [Fact]
    public void A_compilation_without_schemas_gets_no_source()
    {
        var (_, result) = GeneratorRunner.Run(GeneratorRunner.Compile("public class Plain { public int X { get; set; } }"));

        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Schemas_that_cannot_be_generated_are_skipped_and_left_to_the_analyzer()
    {
        var (_, result) = GeneratorRunner.Run(GeneratorRunner.Compile("""
            using TypedSessions;
            [SessionSchema] public class NotPartial { public partial int X { get; set; } }
            [SessionSchema] public partial class Generic<T> { public partial int X { get; set; } }
            """));

        Assert.Empty(result.GeneratedSources);
    }
}
