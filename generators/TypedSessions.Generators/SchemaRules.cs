using System;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TypedSessions.Generators
{
    /// <summary>What an absent key reads as.</summary>
    internal enum AbsentValue
    {
        /// <summary><see langword="null"/> (nullable reference types), or the declared default.</summary>
        Null,

        /// <summary>The declared default, else <c>default(T)</c> (value types, including <c>Nullable&lt;T&gt;</c>).</summary>
        Default,

        /// <summary>The declared default, else <c>""</c> (non-nullable <see cref="string"/>).</summary>
        EmptyString,

        /// <summary>An empty array.</summary>
        EmptyArray,

        /// <summary>A new instance, stored only if changed in place (collections, classes with a parameterless constructor).</summary>
        NewInstance,

        /// <summary>No value can be produced (reported as TS0013).</summary>
        None,
    }

    /// <summary>The schema rules: what the generator emits (Parser) and what it reports (<see cref="SchemaChecker"/>).</summary>
    internal static class SchemaRules
    {
        public static bool HasSchemaAttribute(INamedTypeSymbol type, KnownTypeSymbols known)
            => known.SessionSchemaAttribute is { } attribute
               && type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

        /// <summary>The session key of a property: its <c>[SessionKey]</c> name, else the property name.</summary>
        public static string GetKey(IPropertySymbol property, KnownTypeSymbols known, out AttributeData? keyAttribute)
        {
            keyAttribute = FindAttribute(property, known.SessionKeyAttribute);
            if (keyAttribute is { ConstructorArguments.Length: 1 } && keyAttribute.ConstructorArguments[0].Value is string key)
            {
                return key;
            }

            return property.Name;
        }

        /// <summary>
        /// Why a schema key is invalid, or <see langword="null"/> when it is fine: the rule of every session key
        /// (<see cref="SessionKeyRules"/>, the runtime's too), and the reserved prefix, which only schemas may not use.
        /// </summary>
        public static string? DescribeInvalidKey(string key)
            => SessionKeyRules.DescribeInvalidKey(key)
               ?? (SessionKeyRules.IsReserved(key)
                   ? "keys starting with \"" + SessionKeyRules.ReservedPrefix + "\" are reserved for TypedSessions and its integrations"
                   : null);

        /// <summary>Why the schema's shape is not supported, or <see langword="null"/>.</summary>
        public static string? DescribeUnsupportedShape(INamedTypeSymbol type)
        {
            if (type.TypeKind != TypeKind.Class)
            {
                return "must be a class";
            }

            if (type.IsRecord)
            {
                return "cannot be a record: a schema is a view over the session, not a value";
            }

            if (type.IsStatic)
            {
                return "cannot be static";
            }

            if (type.IsAbstract)
            {
                return "cannot be abstract: it is created for each request";
            }

            if (type.TypeParameters.Length > 0)
            {
                return "cannot be generic";
            }

            if (type.IsFileLocal)
            {
                return "cannot be file-local";
            }

            for (var containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
            {
                if (containing.TypeParameters.Length > 0)
                {
                    return "cannot be nested in the generic type '" + containing.Name + "'";
                }
            }

            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    return "must be accessible from its whole assembly (it or a containing type is private or protected)";
                }
            }

            return null;
        }

        /// <summary>The schema or the first containing type that is not declared partial, or <see langword="null"/>.</summary>
        public static INamedTypeSymbol? FindNonPartialType(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                var isPartial = current.DeclaringSyntaxReferences
                    .Select(r => r.GetSyntax(cancellationToken))
                    .OfType<TypeDeclarationSyntax>()
                    .Any(d => d.Modifiers.Any(m => m.ValueText == "partial"));
                if (!isPartial)
                {
                    return current;
                }
            }

            return null;
        }

        public static bool IsNullable(ITypeSymbol type)
            => type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
               || (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated);

        public static AbsentValue GetAbsentValue(ITypeSymbol type)
        {
            if (type.IsValueType)
            {
                return AbsentValue.Default;
            }

            if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
            {
                return AbsentValue.Null;
            }

            if (type.SpecialType == SpecialType.System_String)
            {
                return AbsentValue.EmptyString;
            }

            if (type is IArrayTypeSymbol)
            {
                return AbsentValue.EmptyArray;
            }

            if (type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } named
                && named.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public))
            {
                return AbsentValue.NewInstance;
            }

            return AbsentValue.None;
        }

        /// <summary>
        /// Whether the session serializer handles <paramref name="type"/>: primitives, string, enums,
        /// DateTime, DateTimeOffset, TimeSpan, Guid, decimal, byte[], Nullable, one-dimensional arrays,
        /// List/HashSet/Dictionary of supported types, and [MessagePackObject] types.
        /// </summary>
        public static bool IsSupportedType(ITypeSymbol type, KnownTypeSymbols known, out ITypeSymbol offending)
        {
            offending = type;
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                case SpecialType.System_String:
                case SpecialType.System_DateTime:
                    return true;
            }

            switch (type)
            {
                case IArrayTypeSymbol array:
                    return array.IsSZArray && IsSupportedType(array.ElementType, known, out offending);
                case INamedTypeSymbol { TypeKind: TypeKind.Enum }:
                    return true;
                case INamedTypeSymbol named:
                    var definition = named.OriginalDefinition;
                    if (definition.SpecialType == SpecialType.System_Nullable_T
                        || Is(definition, known.List)
                        || Is(definition, known.HashSet)
                        || Is(definition, known.Dictionary))
                    {
                        foreach (var argument in named.TypeArguments)
                        {
                            if (!IsSupportedType(argument, known, out offending))
                            {
                                return false;
                            }
                        }

                        return true;
                    }

                    return Is(named, known.DateTimeOffset)
                           || Is(named, known.TimeSpan)
                           || Is(named, known.Guid)
                           || FindAttribute(named, known.MessagePackObjectAttribute) is not null;
                default:
                    return false;
            }
        }

        public static AttributeData? FindDefaultValue(IPropertySymbol property, KnownTypeSymbols known)
            => FindAttribute(property, known.DefaultValueAttribute);

        /// <summary>Why a <c>[DefaultValue]</c> does not fit the property, or <see langword="null"/>.</summary>
        public static string? DescribeInvalidDefault(IPropertySymbol property, AttributeData attribute, Compilation compilation)
        {
            if (attribute.ConstructorArguments.Length != 1)
            {
                return "must be a single constant: [DefaultValue(Type, string)] is not supported";
            }

            var argument = attribute.ConstructorArguments[0];
            if (argument.Kind == TypedConstantKind.Error)
            {
                return null;
            }

            var absent = GetAbsentValue(property.Type);
            if (absent is AbsentValue.EmptyArray or AbsentValue.NewInstance or AbsentValue.None)
            {
                return "is only supported for strings, enums and primitive values; an absent collection reads as an empty one";
            }

            if (argument.IsNull)
            {
                return IsNullable(property.Type) ? null : "cannot be null for the non-nullable type '" + property.Type.ToDisplayString() + "'";
            }

            var target = UnderlyingType(property.Type);
            if (argument.Kind != TypedConstantKind.Primitive && argument.Kind != TypedConstantKind.Enum)
            {
                return "must be a constant of type '" + target.ToDisplayString() + "'";
            }

            var source = argument.Type!;
            if (target is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            {
                return SymbolEqualityComparer.Default.Equals(source, enumType) || IsIntegral(source)
                    ? DescribeInvalidEnumValue(enumType, argument.Value!)
                    : "is a '" + source.ToDisplayString() + "', which is not a value of the enum '" + target.ToDisplayString() + "'";
            }

            var conversion = compilation.ClassifyCommonConversion(source, target);
            if (conversion.IsImplicit)
            {
                return null;
            }

            if (conversion.IsNumeric && IsNumeric(source) && IsNumeric(target))
            {
                return FitsNumeric(argument.Value!, target)
                    ? null
                    : "is the " + source.ToDisplayString() + " " + FormatNumber(argument.Value!) + ", which '" + target.ToDisplayString() + "' cannot hold without losing its value";
            }

            return "is a '" + source.ToDisplayString() + "', which does not convert to '" + target.ToDisplayString() + "'";
        }

        // A number becomes an enum default only if the enum defines it, or, for a [Flags] enum, if it is
        // a combination of defined flags (0, no flag set, included): anything else reads back as a value
        // no code handles, and a switch over the enum would not see it coming.
        private static string? DescribeInvalidEnumValue(INamedTypeSymbol enumType, object value)
        {
            var number = ToDecimal(value);
            var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue && f.ConstantValue is not null).ToList();
            if (members.Any(f => ToDecimal(f.ConstantValue!) == number))
            {
                return null;
            }

            var isFlags = enumType.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute");
            if (isFlags)
            {
                var bits = ToBits(value);
                var defined = members.Aggregate(0UL, (all, f) => all | ToBits(f.ConstantValue!));
                if ((bits & ~defined) == 0)
                {
                    return null;
                }

                return "is " + FormatNumber(value) + ", which is not a combination of the flags of '" + enumType.ToDisplayString() + "'";
            }

            return "is " + FormatNumber(value) + ", which is not a value of the enum '" + enumType.ToDisplayString() + "'";
        }

        // An explicit numeric conversion is accepted where it keeps the value: an integer in the target's
        // range, or a floating-point number for float (rounding is what the author of 1.5 for a float means)
        // or, when finite and in range, for decimal. A fraction never becomes an integer silently.
        private static bool FitsNumeric(object value, ITypeSymbol target)
        {
            if (value is double or float)
            {
                var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                return target.SpecialType switch
                {
                    SpecialType.System_Single or SpecialType.System_Double => true,
                    SpecialType.System_Decimal => !double.IsNaN(number) && !double.IsInfinity(number) && Math.Abs(number) < 7.9e28,
                    _ => false,
                };
            }

            var integer = ToDecimal(value);
            return target.SpecialType switch
            {
                SpecialType.System_SByte => integer is >= sbyte.MinValue and <= sbyte.MaxValue,
                SpecialType.System_Byte => integer is >= byte.MinValue and <= byte.MaxValue,
                SpecialType.System_Int16 => integer is >= short.MinValue and <= short.MaxValue,
                SpecialType.System_UInt16 or SpecialType.System_Char => integer is >= ushort.MinValue and <= ushort.MaxValue,
                SpecialType.System_Int32 => integer is >= int.MinValue and <= int.MaxValue,
                SpecialType.System_UInt32 => integer is >= uint.MinValue and <= uint.MaxValue,
                SpecialType.System_Int64 => integer is >= long.MinValue and <= long.MaxValue,
                SpecialType.System_UInt64 => integer is >= ulong.MinValue and <= ulong.MaxValue,
                _ => true,
            };
        }

        private static decimal ToDecimal(object value) => value is char c ? c : Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);

        private static ulong ToBits(object value) => value switch
        {
            ulong u => u,
            char c => c,
            _ => unchecked((ulong)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        };

        private static string FormatNumber(object value) => value is char c
            ? "'" + c + "'"
            : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

        /// <summary>The reason a property's name suggests it holds a secret, or <see langword="null"/>.</summary>
        public static string? DescribeSecretName(string name)
        {
            var words = SplitWords(name);
            var joined = string.Concat(words);
            if (words.Any(w => w is "csrf" or "xsrf" or "antiforgery" or "requestverification"))
            {
                return null;
            }

            if (joined.Contains("password") || joined.Contains("passwd") || joined.Contains("passphrase") || words.Contains("pwd"))
            {
                return "a password";
            }

            if (joined.Contains("secret"))
            {
                return "a secret";
            }

            if (joined.Contains("apikey"))
            {
                return "an API key";
            }

            if (joined.Contains("privatekey"))
            {
                return "a private key";
            }

            if (words.Any(w => w is "token" or "tokens" or "jwt"))
            {
                return "a token";
            }

            if (joined.Contains("creditcard") || joined.Contains("cardnumber") || words.Any(w => w is "cvv" or "cvc"))
            {
                return "payment card data";
            }

            if (words.Contains("ssn"))
            {
                return "a social security number";
            }

            return null;
        }

        public static ITypeSymbol UnderlyingType(ITypeSymbol type)
            => type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
                ? nullable.TypeArguments[0]
                : type;

        private static string[] SplitWords(string name)
        {
            var words = new System.Collections.Generic.List<string>();
            var current = new StringBuilder();
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                if (!char.IsLetterOrDigit(c))
                {
                    Flush();
                    continue;
                }

                var boundary = current.Length > 0 && char.IsUpper(c)
                    && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
                if (boundary)
                {
                    Flush();
                }

                current.Append(char.ToLowerInvariant(c));
            }

            Flush();
            return words.ToArray();

            void Flush()
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }
        }

        private static bool IsIntegral(ITypeSymbol type) => type.SpecialType is
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64;

        private static bool IsNumeric(ITypeSymbol type) => IsIntegral(type) || type.SpecialType is
            SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_Char;

        private static bool Is(ITypeSymbol type, INamedTypeSymbol? known)
            => known is not null && SymbolEqualityComparer.Default.Equals(type, known);

        private static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attributeType)
            => attributeType is null
                ? null
                : symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
    }
}
