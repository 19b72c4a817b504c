using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSessions.Generators
{
    /// <summary>Reports mistakes in <c>[SessionSchema]</c> classes (TS0001–TS0013).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SessionSchemaAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.SchemaNotPartial,
            DiagnosticDescriptors.PropertyNotPartial,
            DiagnosticDescriptors.PropertyNeedsGetAndSet,
            DiagnosticDescriptors.PropertyInitOnly,
            DiagnosticDescriptors.PropertyStatic,
            DiagnosticDescriptors.PropertyIndexer,
            DiagnosticDescriptors.UnsupportedPropertyType,
            DiagnosticDescriptors.DuplicateKey,
            DiagnosticDescriptors.InvalidKey,
            DiagnosticDescriptors.UnsupportedSchemaShape,
            DiagnosticDescriptors.SecretLikeProperty,
            DiagnosticDescriptors.InvalidDefaultValue,
            DiagnosticDescriptors.NoValueWhenAbsent);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var known = new KnownTypeSymbols(start.Compilation);
                if (known.SessionSchemaAttribute is null)
                {
                    return;
                }

                start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known), SymbolKind.NamedType);
            });
        }

        private static void AnalyzeType(SymbolAnalysisContext context, KnownTypeSymbols known)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!SchemaRules.HasSchemaAttribute(type, known))
            {
                return;
            }

            var typeLocation = type.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;
            if (SchemaRules.FindNonPartialType(type, context.CancellationToken) is { } nonPartial)
            {
                var detail = SymbolEqualityComparer.Default.Equals(nonPartial, type)
                    ? string.Empty
                    : ", and so must its containing type '" + nonPartial.Name + "'";
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SchemaNotPartial, typeLocation, type.Name, detail));
            }

            if (SchemaRules.DescribeUnsupportedShape(type) is { } shape)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedSchemaShape, typeLocation, type.Name, shape));
            }

            var keys = new Dictionary<string, string>(System.StringComparer.Ordinal);
            foreach (var member in type.GetMembers())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (member is not IPropertySymbol property || property.IsImplicitlyDeclared)
                {
                    continue;
                }

                if (property.IsPartialDefinition)
                {
                    AnalyzeSessionProperty(context, known, type, property, keys);
                }
                else if (property.PartialDefinitionPart is null && IsStorableAutoProperty(property, context))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.PropertyNotPartial, property.Locations[0], property.Name, type.Name));
                }
            }
        }

        private static void AnalyzeSessionProperty(
            SymbolAnalysisContext context, KnownTypeSymbols known, INamedTypeSymbol type, IPropertySymbol property, Dictionary<string, string> keys)
        {
            var location = property.Locations[0];
            if (property.IsIndexer)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PropertyIndexer, location, type.Name));
                return;
            }

            if (property.IsStatic)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PropertyStatic, location, property.Name));
                return;
            }

            if (property.GetMethod is null || property.SetMethod is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PropertyNeedsGetAndSet, location, property.Name));
            }
            else if (property.SetMethod.IsInitOnly)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PropertyInitOnly, location, property.Name));
            }

            var key = SchemaRules.GetKey(property, known, out var keyAttribute);
            if (SchemaRules.DescribeInvalidKey(key) is { } keyProblem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidKey, KeyLocation(keyAttribute, context) ?? location, property.Name, key, keyProblem));
            }
            else if (keys.TryGetValue(key, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateKey, KeyLocation(keyAttribute, context) ?? location, property.Name, key, first));
            }
            else
            {
                keys.Add(key, property.Name);
            }

            var typeLocation = TypeLocation(property, context) ?? location;
            if (property.Type.TypeKind != TypeKind.Error)
            {
                if (!SchemaRules.IsSupportedType(property.Type, known, out var offending))
                {
                    var detail = SymbolEqualityComparer.Default.Equals(offending, property.Type)
                        ? string.Empty
                        : " (its part '" + offending.ToDisplayString() + "' is not supported)";
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.UnsupportedPropertyType, typeLocation, property.Name, property.Type.ToDisplayString(), detail));
                }
                else if (SchemaRules.GetAbsentValue(property.Type) == AbsentValue.None)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.NoValueWhenAbsent, typeLocation, property.Name, property.Type.ToDisplayString()));
                }
            }

            if (SchemaRules.FindDefaultValue(property, known) is { } defaultAttribute
                && SchemaRules.DescribeInvalidDefault(property, defaultAttribute, context.Compilation) is { } defaultProblem)
            {
                var attributeLocation = defaultAttribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidDefaultValue, attributeLocation ?? location, property.Name, defaultProblem));
            }

            var secret = SchemaRules.DescribeSecretName(property.Name) ?? SchemaRules.DescribeSecretName(key);
            if (secret is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SecretLikeProperty, location, property.Name, secret));
            }
        }

        // An auto-property with a setter looks meant for the session; computed properties are left alone.
        private static bool IsStorableAutoProperty(IPropertySymbol property, SymbolAnalysisContext context)
        {
            if (property.IsStatic || property.IsIndexer || property.IsAbstract || property.SetMethod is null or { IsInitOnly: true })
            {
                return false;
            }

            return property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is PropertyDeclarationSyntax
            {
                ExpressionBody: null,
                AccessorList: { } accessors,
            } && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);
        }

        private static Location? KeyLocation(AttributeData? keyAttribute, SymbolAnalysisContext context)
            => keyAttribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList.Arguments: { Count: > 0 } arguments }
                ? arguments[0].GetLocation()
                : null;

        private static Location? TypeLocation(IPropertySymbol property, SymbolAnalysisContext context)
            => property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken) is PropertyDeclarationSyntax syntax
                ? syntax.Type.GetLocation()
                : null;
    }
}
