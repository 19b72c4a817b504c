using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TypedSessions.Generators
{
    /// <summary>
    /// Implements the partial properties of <c>[SessionSchema]</c> classes over the session, makes each
    /// schema an <c>ISessionSchema&lt;T&gt;</c>, and registers the schemas for dependency injection.
    /// It also reports the schema mistakes (TS0001–TS0013) itself, and gives every partial property it
    /// refuses a placeholder body, so that a command-line build shows the TS diagnostic and no compiler
    /// error in its place (the compiler skips analyzers when declarations have errors; it always shows
    /// generator diagnostics).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class SessionSchemaGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypeSymbols.SessionSchemaAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    Parse)
                .WithTrackingName(TrackingNames.Schemas)
                .Where(static model => model is not null)
                .Select(static (model, _) => model!);

            // Only schemas with mistakes reach the compilation: the diagnostics are placed in the syntax tree
            // they came from, so #pragma and .editorconfig severities apply to them as to any diagnostic.
            var diagnostics = models
                .Select(static (model, _) => model.Diagnostics)
                .Where(static diagnostics => diagnostics.Count > 0)
                .Combine(context.CompilationProvider)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(diagnostics, static (output, input) =>
            {
                foreach (var diagnostic in input.Left)
                {
                    var tree = input.Right.SyntaxTrees.FirstOrDefault(t => t.FilePath == diagnostic.FilePath);
                    output.ReportDiagnostic(diagnostic.ToDiagnostic(tree));
                }
            });

            var refused = models
                .Select(static (model, _) => model.RefusedSchema)
                .Where(static refused => refused is not null)
                .Select(static (refused, _) => refused!)
                .WithTrackingName(TrackingNames.RefusedSchemas);

            context.RegisterSourceOutput(refused, static (output, schema) =>
                output.AddSource(schema.HintName, EmitRefusedSchema(schema)));

            var schemas = models
                .Select(static (model, _) => model.Schema)
                .Where(static schema => schema is not null)
                .Select(static (schema, _) => schema!)
                .WithTrackingName(TrackingNames.ValidSchemas);

            context.RegisterSourceOutput(schemas, static (output, schema) =>
                output.AddSource(schema.HintName, EmitSchema(schema)));

            var registrations = schemas
                .Select(static (schema, _) => schema.FullyQualifiedName)
                .Collect()
                .WithTrackingName(TrackingNames.Registrations);

            context.RegisterSourceOutput(registrations, static (output, names) =>
            {
                if (!names.IsEmpty)
                {
                    output.AddSource("TypedSessions.SessionSchemaRegistration.g.cs", EmitRegistration(names.Sort(System.StringComparer.Ordinal)));
                }
            });

            InitializeValueFormatters(context);
        }
    }
}
