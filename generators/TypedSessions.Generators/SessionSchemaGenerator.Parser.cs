using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSessions.Generators.Model;

namespace TypedSessions.Generators
{
    public sealed partial class SessionSchemaGenerator
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        /// <summary>
        /// Turns a <c>[SessionSchema]</c> class into a model, or <see langword="null"/> when nothing
        /// can be generated for it (the analyzer reports why).
        /// </summary>
        internal static SchemaSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type
                || SchemaRules.DescribeUnsupportedShape(type) is not null
                || SchemaRules.FindNonPartialType(type, cancellationToken) is not null)
            {
                return null;
            }

            var known = new KnownTypeSymbols(context.SemanticModel.Compilation);
            var properties = new List<PropertySpec>();
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IPropertySymbol { IsPartialDefinition: true, IsStatic: false, IsIndexer: false, PartialImplementationPart: null } property
                    && ParseProperty(property, known, cancellationToken) is { } spec)
                {
                    properties.Add(spec);
                }
            }

            var containing = new List<ContainingTypeSpec>();
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Name));
            }

            var ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            var metadataName = (ns is null ? string.Empty : ns + ".")
                + string.Join("+", containing.Select(c => c.Name).Concat(new[] { type.MetadataName }));
            return new SchemaSpec(
                metadataName + ".g.cs",
                ns,
                containing.ToEquatableArray(),
                type.Name,
                type.ToDisplayString(TypeFormat),
                properties.ToEquatableArray());
        }

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
                Name: SyntaxFacts.GetKeywordKind(property.Name) == SyntaxKind.None ? property.Name : "@" + property.Name,
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
