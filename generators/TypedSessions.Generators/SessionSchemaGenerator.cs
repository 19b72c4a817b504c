using System.Linq;
using Microsoft.CodeAnalysis;

namespace TypedSessions.Generators
{
    /// <summary>
    /// Implements the partial properties of <c>[SessionSchema]</c> classes over the session, makes each
    /// schema an <c>ISessionSchema&lt;T&gt;</c>, and registers the schemas for dependency injection.
    /// Schema mistakes are reported by <see cref="SessionSchemaAnalyzer"/>, not here.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class SessionSchemaGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var schemas = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypeSymbols.SessionSchemaAttributeName,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                    Parse)
                .WithTrackingName(TrackingNames.Schemas)
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
