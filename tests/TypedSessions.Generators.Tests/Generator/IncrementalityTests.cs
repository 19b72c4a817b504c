using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedSessions.Generators.Model;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Generator;

/// <summary>The generator's pipeline reuses its work: unrelated edits leave every step cached.</summary>
public sealed class IncrementalityTests
{
    private const string Unrelated = "namespace Other; public class Unrelated { public int Value { get; set; } }";

    [Fact]
    public void An_unrelated_edit_leaves_the_schema_steps_and_the_outputs_cached()
    {
        var compilation = GeneratorRunner.Compile(TestSchemas.Shop, Unrelated);
        var driver = GeneratorRunner.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 1, Unrelated.Replace("int Value", "long Value", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.ValidSchemas, IncrementalStepRunReason.Cached);
        AssertAllOutputs(result, TrackingNames.Registrations, IncrementalStepRunReason.Cached);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void An_edit_inside_a_schema_that_does_not_change_its_model_leaves_the_output_unchanged()
    {
        var compilation = GeneratorRunner.Compile(TestSchemas.Shop);
        var driver = GeneratorRunner.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 0, TestSchemas.Shop.Replace(
            "public bool IsSignedIn => UserId is not null;", "public bool IsSignedIn => UserId != null; // reworded", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.Schemas, IncrementalStepRunReason.Unchanged);
        AssertAllOutputs(result, TrackingNames.ValidSchemas, IncrementalStepRunReason.Cached);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Changing_a_property_regenerates_the_schema()
    {
        var compilation = GeneratorRunner.Compile(TestSchemas.Shop);
        var driver = GeneratorRunner.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 0, TestSchemas.Shop.Replace("[SessionKey(\"uid\")]", "[SessionKey(\"user\")]", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.Schemas, IncrementalStepRunReason.Modified);
        Assert.Contains("\"user\"", result.GeneratedSources.Single(s => s.HintName == "Shop.ShopSession.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unrelated_edit_reports_a_broken_schemas_diagnostics_again_and_leaves_its_sources_cached()
    {
        const string broken = """
            using TypedSessions;
            [SessionSchema] public partial class Broken<T> { public partial int Visits { get; set; } }
            [SessionSchema] public partial class Mixed { public static partial int Shared { get; set; } public partial int Visits { get; set; } }
            """;
        var compilation = GeneratorRunner.Compile(broken, Unrelated);
        var driver = GeneratorRunner.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 1, Unrelated.Replace("int Value", "long Value", StringComparison.Ordinal));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, TrackingNames.RefusedSchemas, IncrementalStepRunReason.Cached);
        AssertAllOutputs(result, TrackingNames.ValidSchemas, IncrementalStepRunReason.Cached);
        Assert.Equal(["TS0005", "TS0010"], result.Diagnostics.Select(d => d.Id).Order());
        Assert.Equal(3, result.GeneratedSources.Length);
    }

    [Fact]
    public void Equal_input_gives_equal_models()
    {
        var first = RunAndGetModels(GeneratorRunner.Compile(TestSchemas.Shop, TestSchemas.Shapes));
        var second = RunAndGetModels(GeneratorRunner.Compile(TestSchemas.Shop, TestSchemas.Shapes));

        Assert.Equal(2, first.Count);
        Assert.Equal(first, second);
        Assert.Equal(first.Select(m => m.GetHashCode()), second.Select(m => m.GetHashCode()));
        Assert.NotSame(first[0], second[0]);
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_locations_or_compilations()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(Location), typeof(Compilation), typeof(SemanticModel) };
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([typeof(SchemaModel)]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));
            Assert.False(type == typeof(object), "A model member is typed object, so it could hold anything.");
            if (type.IsPrimitive || type.IsEnum || type == typeof(string))
            {
                continue;
            }

            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                pending.Push(field.FieldType.IsArray ? field.FieldType.GetElementType()! : field.FieldType);
                foreach (var argument in field.FieldType.GenericTypeArguments)
                {
                    pending.Push(argument);
                }
            }
        }

        Assert.Contains(typeof(PropertySpec), seen);
        Assert.Contains(typeof(RefusedSchemaSpec), seen);
        Assert.Contains(typeof(DiagnosticInfo), seen);
        Assert.Contains(typeof(AccessorSpec), seen);
        Assert.DoesNotContain(seen, t => typeof(IEnumerable).IsAssignableFrom(t) && t != typeof(string) && !t.Name.StartsWith("EquatableArray", StringComparison.Ordinal) && !t.IsArray);
    }

    private static List<SchemaSpec> RunAndGetModels(Compilation compilation)
    {
        var result = GeneratorRunner.CreateDriver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();
        return result.TrackedSteps[TrackingNames.ValidSchemas]
            .SelectMany(step => step.Outputs)
            .Select(output => (SchemaSpec)output.Value)
            .ToList();
    }

    private static void AssertAllOutputs(GeneratorRunResult result, string step, IncrementalStepRunReason reason)
    {
        var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.Equal(reason, output.Reason));
    }

    private static Compilation ReplaceTree(Compilation compilation, int index, string source)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, GeneratorRunner.ParseOptions, old.FilePath));
    }
}
