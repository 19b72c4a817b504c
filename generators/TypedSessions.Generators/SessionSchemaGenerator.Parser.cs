using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSessions.Analyzers;
using TypedSessions.Generators.Model;

namespace TypedSessions.Generators
{
    public sealed partial class SessionSchemaGenerator
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>
        /// Turns a <c>[SessionSchema]</c> type into a model: its diagnostics, and what to generate for it
        /// (the schema, or placeholders for a schema that cannot be generated).
        /// </summary>
        internal static SchemaModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type)
            {
                return null;
            }

            var known = new KnownTypeSymbols(context.SemanticModel.Compilation);
            var diagnostics = SchemaChecker.Check(type, known, cancellationToken).ToEquatableArray();
            var containing = new List<ContainingTypeSpec>();
            var metadataName = new List<string>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), NameWithTypeParameters(outer)));
                metadataName.Insert(0, outer.MetadataName);
            }

            metadataName.Add(type.MetadataName);
            var ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            var hintName = (ns is null ? string.Empty : ns + ".") + string.Join("+", metadataName) + ".g.cs";

            var refusedShape = SchemaRules.DescribeUnsupportedShape(type) is not null
                ? DiagnosticIds.UnsupportedSchemaShape
                : SchemaRules.FindNonPartialType(type, cancellationToken) is not null ? DiagnosticIds.SchemaNotPartial : null;
            if (refusedShape is not null)
            {
                return new SchemaModel(null, RefusedSchema(type, refusedShape, hintName, ns, containing, cancellationToken), diagnostics);
            }

            var properties = new List<PropertySpec>();
            var refused = new List<RefusedPropertySpec>();
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IPropertySymbol { IsPartialDefinition: true, PartialImplementationPart: null } property)
                {
                    continue;
                }

                if (property.IsStatic || property.IsIndexer)
                {
                    var id = property.IsIndexer ? DiagnosticIds.PropertyIndexer : DiagnosticIds.PropertyStatic;
                    if (Placeholder(property, id, cancellationToken) is { } placeholder)
                    {
                        refused.Add(placeholder);
                    }
                }
                else if (ParseProperty(property, known, cancellationToken) is { } spec)
                {
                    properties.Add(spec);
                }
            }

            var schema = new SchemaSpec(
                hintName,
                ns,
                containing.ToEquatableArray(),
                type.Name,
                type.ToDisplayString(TypeFormat),
                properties.ToEquatableArray(),
                refused.ToEquatableArray());
            return new SchemaModel(schema, null, diagnostics);
        }

        // A refused schema still gets bodies for its partial properties, so that the compiler does not add
        // CS9248 ("must have an implementation part") for each one. A file-local type cannot have a part in
        // another file, and an interface is never a schema (the attribute is for classes): no placeholders.
        private static RefusedSchemaSpec? RefusedSchema(
            INamedTypeSymbol type, string id, string hintName, string? ns, List<ContainingTypeSpec> containing, CancellationToken cancellationToken)
        {
            if (type.IsFileLocal || type.TypeKind == TypeKind.Interface)
            {
                return null;
            }

            var placeholders = new List<RefusedPropertySpec>();
            foreach (var member in type.GetMembers())
            {
                if (member is IPropertySymbol { IsPartialDefinition: true, PartialImplementationPart: null } property
                    && Placeholder(property, id, cancellationToken) is { } placeholder)
                {
                    placeholders.Add(placeholder);
                }
            }

            return placeholders.Count == 0
                ? null
                : new RefusedSchemaSpec(hintName, ns, containing.ToEquatableArray(), Keyword(type), NameWithTypeParameters(type), placeholders.ToEquatableArray());
        }

        private static RefusedPropertySpec? Placeholder(IPropertySymbol property, string id, CancellationToken cancellationToken)
        {
            if (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not BasePropertyDeclarationSyntax { AccessorList: { } accessors } syntax)
            {
                return null;
            }

            var name = property.IsIndexer
                ? "this[" + string.Join(", ", property.Parameters.Select(Parameter)) + "]"
                : Identifier(property.Name);
            var declaration = syntax.Modifiers.ToString() + " " + property.Type.ToDisplayString(TypeFormat) + " " + name;
            var reason = id + ": " + (property.IsIndexer ? "this indexer" : "'" + property.Name + "'")
                + " is not stored in the session; the build reports " + id + " for it (" + DiagnosticIds.HelpLinkBase + id + ".md)";
            return new RefusedPropertySpec(
                declaration,
                accessors.Accessors.Select(a => a.Modifiers.Count == 0 ? a.Keyword.ValueText : a.Modifiers.ToString() + " " + a.Keyword.ValueText).ToEquatableArray(),
                reason);
        }

        private static string Parameter(IParameterSymbol parameter)
        {
            var prefix = parameter.IsParams ? "params " : parameter.RefKind switch
            {
                RefKind.In => "in ",
                RefKind.Ref => "ref ",
                RefKind.Out => "out ",
                RefKind.RefReadOnlyParameter => "ref readonly ",
                _ => string.Empty,
            };
            return prefix + parameter.Type.ToDisplayString(TypeFormat) + " " + Identifier(parameter.Name);
        }

        private static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

        private static string NameWithTypeParameters(INamedTypeSymbol type)
            => type.TypeParameters.Length == 0 ? type.Name : type.Name + "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";

        private static PropertySpec? ParseProperty(IPropertySymbol property, KnownTypeSymbols known, CancellationToken cancellationToken)
        {
            if (property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not PropertyDeclarationSyntax syntax
                || syntax.AccessorList is null)
            {
                return null;
            }

            AccessorSpec? getter = null;
            AccessorSpec? setter = null;
            foreach (var accessor in syntax.AccessorList.Accessors)
            {
                var spec = new AccessorSpec(accessor.Keyword.ValueText, accessor.Modifiers.ToString());
                if (accessor.IsKind(SyntaxKind.GetAccessorDeclaration))
                {
                    getter = spec;
                }
                else
                {
                    setter = spec;
                }
            }

            var key = SchemaRules.GetKey(property, known, out _);
            var type = property.Type;
            var absent = SchemaRules.GetAbsentValue(type);
            var valueType = type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type;
            var defaultAttribute = SchemaRules.FindDefaultValue(property, known);
            var defaultExpression = defaultAttribute is not null && SchemaRules.DescribeInvalidDefault(property, defaultAttribute, known.Compilation) is null
                ? FormatDefault(defaultAttribute.ConstructorArguments[0], SchemaRules.UnderlyingType(type))
                : null;

            return new PropertySpec(
                Name: Identifier(property.Name),
                KeyLiteral: SymbolDisplay.FormatLiteral(key, quote: true),
                Modifiers: syntax.Modifiers.ToString(),
                Type: type.ToDisplayString(TypeFormat),
                ValueType: valueType.ToDisplayString(TypeFormat),
                ElementType: (type as IArrayTypeSymbol)?.ElementType.ToDisplayString(TypeFormat),
                Absent: absent,
                DefaultExpression: defaultExpression,
                NullRemoves: type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T,
                Getter: getter,
                Setter: setter);
        }

        private static string? FormatDefault(TypedConstant constant, ITypeSymbol target)
        {
            if (constant.IsNull)
            {
                return null;
            }

            if (target is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
                && enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value)) is { } member)
            {
                return target.ToDisplayString(TypeFormat) + "." + member.Name;
            }

            var literal = constant.Value switch
            {
                double d when double.IsNaN(d) => "global::System.Double.NaN",
                double d when double.IsPositiveInfinity(d) => "global::System.Double.PositiveInfinity",
                double d when double.IsNegativeInfinity(d) => "global::System.Double.NegativeInfinity",
                float f when float.IsNaN(f) => "global::System.Single.NaN",
                float f when float.IsPositiveInfinity(f) => "global::System.Single.PositiveInfinity",
                float f when float.IsNegativeInfinity(f) => "global::System.Single.NegativeInfinity",
                double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
                float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
                _ => SymbolDisplay.FormatPrimitive(constant.Value!, quoteStrings: true, useHexadecimalNumbers: false),
            };

            return SymbolEqualityComparer.Default.Equals(constant.Type, target)
                   && constant.Kind == TypedConstantKind.Primitive
                   && constant.Type!.SpecialType is SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Int32 or SpecialType.System_Char
                ? literal
                : "(" + target.ToDisplayString(TypeFormat) + ")(" + literal + ")";
        }

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };
    }
}
