using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSessions.Generators.Model;

namespace TypedSessions.Generators
{
    /// <summary>
    /// Finds the mistakes in a <c>[SessionSchema]</c> type (TS0001–TS0013). The generator reports them itself:
    /// the compiler shows generator diagnostics even when the build has other errors, which it does not do
    /// for analyzer diagnostics, so a schema mistake is never hidden behind another error.
    /// </summary>
    internal static class SchemaChecker
    {
        public static List<DiagnosticInfo> Check(INamedTypeSymbol type, KnownTypeSymbols known, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var typeLocation = type.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;
            if (SchemaRules.FindNonPartialType(type, cancellationToken) is { } nonPartial)
            {
                var detail = SymbolEqualityComparer.Default.Equals(nonPartial, type)
                    ? string.Empty
                    : ", and so must its containing type '" + nonPartial.Name + "'";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SchemaNotPartial, typeLocation, type.Name, detail));
            }

            if (SchemaRules.DescribeUnsupportedShape(type) is { } shape)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedSchemaShape, typeLocation, type.Name, shape));
            }

            var keys = new Dictionary<string, string>(System.StringComparer.Ordinal);
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IPropertySymbol property || property.IsImplicitlyDeclared)
                {
                    continue;
                }

                if (property.IsPartialDefinition)
                {
                    CheckSessionProperty(diagnostics, known, type, property, keys, cancellationToken);
                }
                else if (property.PartialDefinitionPart is null && IsStorableAutoProperty(property, cancellationToken))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyNotPartial, property.Locations[0], property.Name, type.Name));
                }
            }

            return diagnostics;
        }

        private static void CheckSessionProperty(
            List<DiagnosticInfo> diagnostics,
            KnownTypeSymbols known,
            INamedTypeSymbol type,
            IPropertySymbol property,
            Dictionary<string, string> keys,
            CancellationToken cancellationToken)
        {
            var location = property.Locations[0];
            if (property.IsIndexer)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyIndexer, location, type.Name));
                return;
            }

            if (property.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyStatic, location, property.Name));
                return;
            }

            if (property.GetMethod is null || property.SetMethod is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyNeedsGetAndSet, location, property.Name));
            }
            else if (property.SetMethod.IsInitOnly)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyInitOnly, location, property.Name));
            }

            var key = SchemaRules.GetKey(property, known, out var keyAttribute);
            if (SchemaRules.DescribeInvalidKey(key) is { } keyProblem)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidKey, KeyLocation(keyAttribute, cancellationToken) ?? location, property.Name, key, keyProblem));
            }
            else if (keys.TryGetValue(key, out var first))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.DuplicateKey, KeyLocation(keyAttribute, cancellationToken) ?? location, property.Name, key, first));
            }
            else
            {
                keys.Add(key, property.Name);
            }

            var typeLocation = TypeLocation(property, cancellationToken) ?? location;
            if (property.Type.TypeKind != TypeKind.Error)
            {
                if (!SchemaRules.IsSupportedType(property.Type, known, out var offending))
                {
                    var detail = SymbolEqualityComparer.Default.Equals(offending, property.Type)
                        ? string.Empty
                        : " (its part '" + offending.ToDisplayString() + "' is not supported)";
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.UnsupportedPropertyType, typeLocation, property.Name, property.Type.ToDisplayString(), detail));
                }
                else if (SchemaRules.GetAbsentValue(property.Type) == AbsentValue.None)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NoValueWhenAbsent, typeLocation, property.Name, property.Type.ToDisplayString()));
                }
            }

            if (SchemaRules.FindDefaultValue(property, known) is { } defaultAttribute
                && SchemaRules.DescribeInvalidDefault(property, defaultAttribute, known.Compilation) is { } defaultProblem)
            {
                var attributeLocation = defaultAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.InvalidDefaultValue, attributeLocation ?? location, property.Name, defaultProblem));
            }

            var secret = SchemaRules.DescribeSecretName(property.Name) ?? SchemaRules.DescribeSecretName(key);
            if (secret is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SecretLikeProperty, location, property.Name, secret));
            }
        }

        // An auto-property with a setter looks meant for the session; computed properties are left alone.
        private static bool IsStorableAutoProperty(IPropertySymbol property, CancellationToken cancellationToken)
        {
            if (property.IsStatic || property.IsIndexer || property.IsAbstract || property.SetMethod is null or { IsInitOnly: true })
            {
                return false;
            }

            return property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is PropertyDeclarationSyntax
            {
                ExpressionBody: null,
                AccessorList: { } accessors,
            } && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null);
        }

        private static Location? KeyLocation(AttributeData? keyAttribute, CancellationToken cancellationToken)
            => keyAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList.Arguments: { Count: > 0 } arguments }
                ? arguments[0].GetLocation()
                : null;

        private static Location? TypeLocation(IPropertySymbol property, CancellationToken cancellationToken)
            => property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is PropertyDeclarationSyntax syntax
                ? syntax.Type.GetLocation()
                : null;
    }
}
