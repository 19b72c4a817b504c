using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Generator;

/// <summary>
/// The generated source, compared with committed snapshots, and proven to compile cleanly
/// (<see cref="GeneratorRunner.Run"/> also checks that the generator reports no diagnostic).
/// </summary>
public sealed class SnapshotTests
{
    [Theory]
    [InlineData(nameof(TestSchemas.Shop), TestSchemas.Shop)]
    [InlineData(nameof(TestSchemas.Shapes), TestSchemas.Shapes)]
    public void Generated_source_matches_the_snapshot_and_compiles_with_no_diagnostics(string name, string source)
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
    }

    [Fact]
    public void Property_names_that_match_the_schema_members_do_not_collide()
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
    }

    [Fact]
    public void A_compilation_without_schemas_gets_no_source()
    {
        var (_, result) = GeneratorRunner.Run(GeneratorRunner.Compile("public class Plain { public int X { get; set; } }"));

        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Placeholders_for_refused_members_and_schemas_match_the_snapshot()
    {
        var (_, output) = GeneratorRunner.RunWithDiagnostics(GeneratorRunner.Compile("""
            using TypedSessions;

            namespace Refused;

            [SessionSchema]
            public partial class Mixed
            {
                public partial int Visits { get; set; }
                public static partial int Shared { get; private set; }
                public partial string? this[string key, int @default] { get; set; }
            }

            public partial class Container<T>
            {
                [SessionSchema]
                public partial record Nested
                {
                    public partial T? Value { get; set; }
                }
            }
            """));

        var generated = output.SyntaxTrees.Skip(1).Where(t => !t.FilePath.EndsWith("SessionSchemaRegistration.g.cs", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, generated.Count);
        var mismatches = generated
            .Select(t => Snapshot.Compare("Refused." + Path.GetFileNameWithoutExtension(t.FilePath).Replace(".g", "", StringComparison.Ordinal).Replace('`', '-'), t.ToString()))
            .OfType<string>()
            .ToList();
        Assert.Empty(mismatches);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Schemas_that_cannot_be_generated_get_placeholders_only_and_are_not_registered()
    {
        var (diagnostics, output) = GeneratorRunner.RunWithDiagnostics(GeneratorRunner.Compile("""
            using TypedSessions;
            [SessionSchema] public class NotPartial { public partial int X { get; set; } }
            [SessionSchema] public partial class Generic<T> { public partial int X { get; set; } }
            """));

        Assert.Equal(["TS0001", "TS0010"], diagnostics.Select(d => d.Id).Order());
        var generated = output.SyntaxTrees.Skip(1).Select(t => t.ToString()).ToList();
        Assert.Equal(2, generated.Count);
        Assert.All(generated, source =>
        {
            Assert.Contains("throw new global::System.NotSupportedException(", source, StringComparison.Ordinal);
            Assert.DoesNotContain("ISessionSchema", source, StringComparison.Ordinal);
            Assert.DoesNotContain("SessionSchemaSupport.Register", source, StringComparison.Ordinal);
        });
    }
}
