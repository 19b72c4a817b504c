using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSessions.Generators.Model;

namespace TypedSessions.Generators
{
    /// <summary>
    /// The value formatters: for every type a schema stores (and every type inside it), the MessagePack formatter that
    /// MessagePack's dynamic resolvers would otherwise build at run time with reflection or Reflection.Emit — a
    /// collection formatter from MessagePack's public formatter types, an enum formatter, or a formatter written here
    /// for a <c>[MessagePackObject]</c> type, on the wire exactly as DynamicObjectResolver reads and writes it. They are
    /// served by one resolver per assembly, registered with <c>SessionValueFormatters</c> by a module initializer, so
    /// schema values need no dynamic code (Native AOT, trimming). Types not listed here (primitives, string, DateTime,
    /// Guid, byte[], ...) are served by MessagePack's builtin resolver, which needs none either.
    /// </summary>
    public sealed partial class SessionSchemaGenerator
    {
        /// <summary>The tracking name of the per-schema value-formatter step (incrementality tests).</summary>
        internal const string ValueFormattersTrackingName = "ValueFormatters";

        internal const string ValueFormattersHintName = "TypedSessions.SessionValueFormatters.g.cs";

        private static readonly SymbolDisplayFormat FormatterTypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        // MessagePack's DynamicGenericResolver table (2.5): generic collection definition -> its formatter.
        private static readonly Dictionary<string, string> CollectionFormatters = new(StringComparer.Ordinal)
        {
            ["System.Collections.Generic.List`1"] = "ListFormatter",
            ["System.Collections.Generic.LinkedList`1"] = "LinkedListFormatter",
            ["System.Collections.Generic.Queue`1"] = "QueueFormatter",
            ["System.Collections.Generic.Stack`1"] = "StackFormatter",
            ["System.Collections.Generic.HashSet`1"] = "HashSetFormatter",
            ["System.Collections.ObjectModel.ReadOnlyCollection`1"] = "ReadOnlyCollectionFormatter",
            ["System.Collections.Generic.IList`1"] = "InterfaceListFormatter2",
            ["System.Collections.Generic.ICollection`1"] = "InterfaceCollectionFormatter2",
            ["System.Collections.Generic.IEnumerable`1"] = "InterfaceEnumerableFormatter",
            ["System.Collections.Generic.Dictionary`2"] = "DictionaryFormatter",
            ["System.Collections.Generic.IDictionary`2"] = "InterfaceDictionaryFormatter",
            ["System.Collections.Generic.SortedDictionary`2"] = "SortedDictionaryFormatter",
            ["System.Collections.Generic.SortedList`2"] = "SortedListFormatter",
            ["System.Collections.Generic.IReadOnlyList`1"] = "InterfaceReadOnlyListFormatter",
            ["System.Collections.Generic.IReadOnlyCollection`1"] = "InterfaceReadOnlyCollectionFormatter",
            ["System.Collections.Generic.ISet`1"] = "InterfaceSetFormatter",
            ["System.Collections.Generic.IReadOnlySet`1"] = "InterfaceReadOnlySetFormatter",
            ["System.Collections.ObjectModel.ReadOnlyDictionary`2"] = "ReadOnlyDictionaryFormatter",
            ["System.Collections.Generic.IReadOnlyDictionary`2"] = "InterfaceReadOnlyDictionaryFormatter",
            ["System.Collections.Generic.KeyValuePair`2"] = "KeyValuePairFormatter",
        };

        /// <summary>Adds the value-formatter pipeline: one source file per assembly, for all its schemas.</summary>
        private static void InitializeValueFormatters(IncrementalGeneratorInitializationContext context)
        {
            var perSchema = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypeSymbols.SessionSchemaAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax,
                    ParseValueFormatters)
                .WithTrackingName(ValueFormattersTrackingName);

            context.RegisterSourceOutput(perSchema.Collect(), static (output, sets) =>
            {
                var merged = new SortedDictionary<string, ValueFormatterSpec>(StringComparer.Ordinal);
                foreach (var set in sets)
                {
                    foreach (var spec in set)
                    {
                        merged[spec.Type] = spec;
                    }
                }

                if (merged.Count > 0)
                {
                    output.AddSource(ValueFormattersHintName, EmitValueFormatters(merged.Values.ToImmutableArray()));
                }
            });
        }

        /// <summary>The formatters one schema's property types need.</summary>
        internal static EquatableArray<ValueFormatterSpec> ParseValueFormatters(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type
                || SchemaRules.DescribeUnsupportedShape(type) is not null
                || SchemaRules.FindNonPartialType(type, cancellationToken) is not null)
            {
                return default;
            }

            var walker = new ValueTypeWalker(context.SemanticModel.Compilation);
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is IPropertySymbol { IsPartialDefinition: true, IsStatic: false, IsIndexer: false, PartialImplementationPart: null } property)
                {
                    walker.Walk(property.Type);
                }
            }

            return walker.Specs.OrderBy(s => s.Type, StringComparer.Ordinal).ToEquatableArray();
        }

        internal static string EmitValueFormatters(ImmutableArray<ValueFormatterSpec> specs)
        {
            var writer = new SourceWriter();
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#nullable disable");
            writer.WriteLine();
            writer.WriteLine("namespace TypedSessions.Generated");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>Registers this assembly's session value formatters (docs/aot.md).</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("file static class SessionValueFormattersRegistration");
            writer.OpenBlock();
            writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            writer.WriteLine("internal static void Register() => global::TypedSessions.SessionValueFormatters.Register(SessionValueFormatterResolver.Instance);");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("/// <summary>Serves the formatters the schemas of this assembly need; <see langword=\"null\"/> for any other type.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("file sealed class SessionValueFormatterResolver : global::MessagePack.IFormatterResolver");
            writer.OpenBlock();
            writer.WriteLine("public static readonly SessionValueFormatterResolver Instance = new SessionValueFormatterResolver();");
            writer.WriteLine();
            writer.WriteLine("public global::MessagePack.Formatters.IMessagePackFormatter<T> GetFormatter<T>() => Cache<T>.Formatter;");
            writer.WriteLine();
            writer.WriteLine("private static object Create(global::System.Type type)");
            writer.OpenBlock();
            var objectIndex = 0;
            foreach (var spec in specs)
            {
                var create = spec.Expression ?? "new " + ObjectFormatterName(objectIndex++) + "()";
                writer.WriteLine("if (type == typeof(" + spec.Type + ")) return " + create + ";");
            }

            writer.WriteLine("return null;");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("private static class Cache<T>");
            writer.OpenBlock();
            writer.WriteLine("public static readonly global::MessagePack.Formatters.IMessagePackFormatter<T> Formatter = (global::MessagePack.Formatters.IMessagePackFormatter<T>)Create(typeof(T));");
            writer.CloseBlock();
            writer.CloseBlock();

            objectIndex = 0;
            foreach (var spec in specs)
            {
                if (spec.Object is { } shape)
                {
                    writer.WriteLine();
                    WriteObjectFormatter(writer, ObjectFormatterName(objectIndex++), spec.Type, shape);
                }
            }

            writer.CloseBlock();
            return writer.ToString();
        }

        private static string ObjectFormatterName(int index) => "ObjectFormatter" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string FormatterOf(string type) => "global::MessagePack.FormatterResolverExtensions.GetFormatterWithVerify<" + type + ">(resolver)";

        private static void WriteObjectFormatter(SourceWriter writer, string name, string type, ObjectFormatterSpec shape)
        {
            var members = shape.Members.ToArray();
            var constructorMembers = new HashSet<int>(shape.ConstructorMembers);
            var canOverwrite = constructorMembers.Count == 0;

            writer.WriteLine("/// <summary>Reads and writes " + type.Replace("<", "&lt;").Replace(">", "&gt;") + " as MessagePack's DynamicObjectResolver does.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("file sealed class " + name + " : global::MessagePack.Formatters.IMessagePackFormatter<" + type + ">");
            writer.OpenBlock();
            if (!shape.IntKeys)
            {
                for (var i = 0; i < members.Length; i++)
                {
                    writer.WriteLine("private static readonly byte[] Key" + i + " = " + Utf8Array(members[i].StringKey!) + ";");
                }

                writer.WriteLine();
            }

            for (var i = 0; i < members.Length; i++)
            {
                if (members[i].InitOnly && members[i].Writable && !constructorMembers.Contains(i))
                {
                    writer.WriteLine("[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Method, Name = \"set_" + members[i].Name.TrimStart('@') + "\")]");
                    writer.WriteLine("private static extern void Init" + i + "(" + (shape.IsClass ? string.Empty : "ref ") + type + " target, " + members[i].Type + " value);");
                    writer.WriteLine();
                }
            }

            // Serialize
            writer.WriteLine("public void Serialize(ref global::MessagePack.MessagePackWriter writer, " + type + " value, global::MessagePack.MessagePackSerializerOptions options)");
            writer.OpenBlock();
            if (shape.IsClass)
            {
                writer.WriteLine("if (value == null)");
                writer.OpenBlock();
                writer.WriteLine("writer.WriteNil();");
                writer.WriteLine("return;");
                writer.CloseBlock();
                writer.WriteLine();
            }

            if (shape.CallbackReceiver)
            {
                writer.WriteLine("((global::MessagePack.IMessagePackSerializationCallbackReceiver)value).OnBeforeSerialize();");
            }

            writer.WriteLine("var resolver = options.Resolver;");
            var readable = members.Where(m => m.Readable).ToList();
            if (shape.IntKeys)
            {
                var maxKey = readable.Count == 0 ? -1 : readable.Max(m => m.IntKey);
                writer.WriteLine("writer.WriteArrayHeader(" + (maxKey + 1) + ");");
                for (var key = 0; key <= maxKey; key++)
                {
                    var member = readable.FirstOrDefault(m => m.IntKey == key);
                    writer.WriteLine(member is null
                        ? "writer.WriteNil();"
                        : FormatterOf(member.Type) + ".Serialize(ref writer, value." + member.Name + ", options);");
                }
            }
            else
            {
                writer.WriteLine("writer.WriteMapHeader(" + readable.Count + ");");
                for (var i = 0; i < members.Length; i++)
                {
                    if (members[i].Readable)
                    {
                        writer.WriteLine("writer.WriteString(Key" + i + ");");
                        writer.WriteLine(FormatterOf(members[i].Type) + ".Serialize(ref writer, value." + members[i].Name + ", options);");
                    }
                }
            }

            writer.CloseBlock();
            writer.WriteLine();

            // Deserialize
            writer.WriteLine("public " + type + " Deserialize(ref global::MessagePack.MessagePackReader reader, global::MessagePack.MessagePackSerializerOptions options)");
            writer.OpenBlock();
            writer.WriteLine("if (reader.TryReadNil())");
            writer.OpenBlock();
            writer.WriteLine(shape.IsClass ? "return null;" : "throw new global::MessagePack.MessagePackSerializationException(\"typecode is null, struct not supported\");");
            writer.CloseBlock();
            writer.WriteLine();
            if (canOverwrite)
            {
                writer.WriteLine(shape.IsClass ? "var result = new " + type + "();" : type + " result = default;");
            }
            else
            {
                for (var i = 0; i < members.Length; i++)
                {
                    writer.WriteLine(members[i].Type + " v" + i + " = default;");
                    if (!shape.IntKeys && !constructorMembers.Contains(i))
                    {
                        writer.WriteLine("var set" + i + " = false;");
                    }
                }
            }

            writer.WriteLine("options.Security.DepthStep(ref reader);");
            writer.WriteLine("var resolver = options.Resolver;");
            writer.WriteLine("var length = reader." + (shape.IntKeys ? "ReadArrayHeader" : "ReadMapHeader") + "();");
            writer.WriteLine("for (var i = 0; i < length; i++)");
            writer.OpenBlock();
            if (shape.IntKeys)
            {
                writer.WriteLine("switch (i)");
                writer.OpenBlock();
                for (var i = 0; i < members.Length; i++)
                {
                    writer.WriteLine("case " + members[i].IntKey + ":");
                    writer.Indentation++;
                    writer.WriteLine(ReadMember(shape, type, members[i], i, canOverwrite, flag: false));
                    writer.WriteLine("break;");
                    writer.Indentation--;
                }

                writer.WriteLine("default:");
                writer.Indentation++;
                writer.WriteLine("reader.Skip();");
                writer.WriteLine("break;");
                writer.Indentation--;
                writer.CloseBlock();
            }
            else
            {
                writer.WriteLine("var key = global::MessagePack.Internal.CodeGenHelpers.ReadStringSpan(ref reader);");
                for (var i = 0; i < members.Length; i++)
                {
                    writer.WriteLine((i == 0 ? "if" : "else if") + " (global::System.MemoryExtensions.SequenceEqual(key, Key" + i + "))");
                    writer.OpenBlock();
                    writer.WriteLine(ReadMember(shape, type, members[i], i, canOverwrite, flag: !constructorMembers.Contains(i)));
                    writer.CloseBlock();
                }

                writer.WriteLine(members.Length == 0 ? "reader.Skip();" : "else");
                if (members.Length > 0)
                {
                    writer.OpenBlock();
                    writer.WriteLine("reader.Skip();");
                    writer.CloseBlock();
                }
            }

            writer.CloseBlock();
            writer.WriteLine();
            if (!canOverwrite)
            {
                writer.WriteLine("var result = new " + type + "(" + string.Join(", ", shape.ConstructorMembers.Select(i => "v" + i)) + ");");
                var done = false;
                for (var i = 0; i < members.Length; i++)
                {
                    var member = members[i];
                    if (!member.Writable || constructorMembers.Contains(i))
                    {
                        continue;
                    }

                    if (shape.IntKeys)
                    {
                        // As DynamicObjectResolver: members are assigned in key order while the array reached them.
                        writer.WriteLine("if (length <= " + member.IntKey + ") goto Assigned;");
                        writer.WriteLine(Assign(shape, member, i, "v" + i));
                        done = true;
                    }
                    else
                    {
                        writer.WriteLine("if (set" + i + ") " + Assign(shape, member, i, "v" + i));
                    }
                }

                if (done)
                {
                    writer.WriteLine("Assigned:");
                }
            }

            if (shape.CallbackReceiver)
            {
                writer.WriteLine("((global::MessagePack.IMessagePackSerializationCallbackReceiver)result).OnAfterDeserialize();");
            }

            writer.WriteLine("reader.Depth--;");
            writer.WriteLine("return result;");
            writer.CloseBlock();
            writer.CloseBlock();
        }

        private static string ReadMember(ObjectFormatterSpec shape, string type, ObjectMemberSpec member, int index, bool canOverwrite, bool flag)
        {
            var read = FormatterOf(member.Type) + ".Deserialize(ref reader, options)";
            if (canOverwrite)
            {
                return member.Writable ? Assign(shape, member, index, read) : read + ";";
            }

            return "v" + index + " = " + read + ";" + (flag ? " set" + index + " = true;" : string.Empty);
        }

        private static string Assign(ObjectFormatterSpec shape, ObjectMemberSpec member, int index, string value)
            => member.InitOnly
                ? "Init" + index + "(" + (shape.IsClass ? string.Empty : "ref ") + "result, " + value + ");"
                : "result." + member.Name + " = " + value + ";";

        private static string Utf8Array(string value)
            => "new byte[] { " + string.Join(", ", Encoding.UTF8.GetBytes(value).Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))) + " }";

        /// <summary>Collects the formatters for a type and every type inside it.</summary>
        private sealed class ValueTypeWalker
        {
            private readonly Compilation _compilation;
            private readonly HashSet<ITypeSymbol> _seen = new(SymbolEqualityComparer.Default);
            private readonly INamedTypeSymbol? _messagePackObject;
            private readonly INamedTypeSymbol? _key;
            private readonly INamedTypeSymbol? _formatterAttribute;
            private readonly INamedTypeSymbol? _serializationConstructor;
            private readonly INamedTypeSymbol? _callbackReceiver;
            private readonly INamedTypeSymbol?[] _ignore;

            public ValueTypeWalker(Compilation compilation)
            {
                _compilation = compilation;
                _messagePackObject = compilation.GetTypeByMetadataName("MessagePack.MessagePackObjectAttribute");
                _key = compilation.GetTypeByMetadataName("MessagePack.KeyAttribute");
                _formatterAttribute = compilation.GetTypeByMetadataName("MessagePack.MessagePackFormatterAttribute");
                _serializationConstructor = compilation.GetTypeByMetadataName("MessagePack.SerializationConstructorAttribute");
                _callbackReceiver = compilation.GetTypeByMetadataName("MessagePack.IMessagePackSerializationCallbackReceiver");
                _ignore = new[]
                {
                    compilation.GetTypeByMetadataName("MessagePack.IgnoreMemberAttribute"),
                    compilation.GetTypeByMetadataName("System.Runtime.Serialization.IgnoreDataMemberAttribute"),
                    compilation.GetTypeByMetadataName("System.NonSerializedAttribute"),
                };
            }

            public List<ValueFormatterSpec> Specs { get; } = new();

            public void Walk(ITypeSymbol type)
            {
                if (!_seen.Add(type) || !IsAccessible(type))
                {
                    return;
                }

                switch (type)
                {
                    case IArrayTypeSymbol { IsSZArray: true } array:
                        if (array.ElementType.SpecialType != SpecialType.System_Byte && !IsBuiltinElement(array.ElementType))
                        {
                            Add(type, "ArrayFormatter", array.ElementType);
                            Walk(array.ElementType);
                        }

                        break;
                    case INamedTypeSymbol { TypeKind: TypeKind.Enum }:
                        Add(type, "GenericEnumFormatter", type);
                        break;
                    case INamedTypeSymbol { IsGenericType: true } named:
                        var definition = named.OriginalDefinition;
                        string? formatter = null;
                        if (definition.SpecialType == SpecialType.System_Nullable_T)
                        {
                            formatter = "NullableFormatter";
                        }
                        else if (!named.IsTupleType)
                        {
                            CollectionFormatters.TryGetValue(MetadataName(definition), out formatter);
                        }

                        if (formatter is not null && !HasAttribute(named, _formatterAttribute) && !IsBuiltin(named))
                        {
                            Add(type, formatter, named.TypeArguments.ToArray());
                            foreach (var argument in named.TypeArguments)
                            {
                                Walk(argument);
                            }
                        }

                        break;
                    case INamedTypeSymbol named when HasAttribute(named, _messagePackObject) && !HasAttribute(named, _formatterAttribute):
                        if (DescribeObject(named) is { } shape)
                        {
                            Specs.Add(new ValueFormatterSpec(Display(type), null, shape.Spec));
                            foreach (var memberType in shape.MemberTypes)
                            {
                                Walk(memberType);
                            }
                        }

                        break;
                }
            }

            // The arrays, lists and nullables MessagePack's BuiltinResolver serves (no dynamic code): left to it, so that
            // they keep the formatter an app's resolver order gives them.
            private static bool IsBuiltinElement(ITypeSymbol element) => element.SpecialType is SpecialType.System_Int16
                or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt16 or SpecialType.System_UInt32
                or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Boolean
                or SpecialType.System_SByte or SpecialType.System_DateTime or SpecialType.System_Char or SpecialType.System_String
                or SpecialType.System_Object;

            private static bool IsBuiltin(INamedTypeSymbol named)
            {
                var argument = named.TypeArguments[0];
                if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
                {
                    return argument.SpecialType is SpecialType.System_Byte or SpecialType.System_Decimal
                        || (IsBuiltinElement(argument) && argument.SpecialType is not (SpecialType.System_String or SpecialType.System_Object))
                        || (argument is INamedTypeSymbol { ContainingNamespace.Name: "System", ContainingNamespace.ContainingNamespace.IsGlobalNamespace: true } system
                            && system.Name is "TimeSpan" or "DateTimeOffset" or "Guid");
                }

                return MetadataName(named.OriginalDefinition) == "System.Collections.Generic.List`1"
                    && (IsBuiltinElement(argument) || argument.SpecialType == SpecialType.System_Byte);
            }

            private void Add(ITypeSymbol type, string formatter, params ITypeSymbol[] arguments)
                => Specs.Add(new ValueFormatterSpec(
                    Display(type),
                    "new global::MessagePack.Formatters." + formatter + "<" + string.Join(", ", arguments.Select(Display)) + ">()",
                    null));

            private static string Display(ITypeSymbol type) => type.ToDisplayString(FormatterTypeFormat);

            private static string MetadataName(INamedTypeSymbol type)
                => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;

            private bool IsAccessible(ITypeSymbol type) => type switch
            {
                IArrayTypeSymbol array => IsAccessible(array.ElementType),
                INamedTypeSymbol named => _compilation.IsSymbolAccessibleWithin(named.OriginalDefinition, _compilation.Assembly)
                    && named.TypeArguments.All(IsAccessible),
                _ => false,
            };

            private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
                => attribute is not null && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

            private static AttributeData? FindAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
                => attribute is null ? null : symbol.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));

            /// <summary>
            /// The shape DynamicObjectResolver gives a <c>[MessagePackObject]</c> type, or <see langword="null"/> when this
            /// generator does not write its formatter (a generic or abstract type, private members, AllowPrivate, required
            /// members, a member named twice, or a type DynamicObjectResolver itself refuses): MessagePack's resolver then
            /// serves it, as before (under Native AOT it cannot: docs/aot.md).
            /// </summary>
            private (ObjectFormatterSpec Spec, List<ITypeSymbol> MemberTypes)? DescribeObject(INamedTypeSymbol type)
            {
                if (type.IsGenericType || type.IsAbstract || type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsRefLikeType)
                {
                    return null;
                }

                var contract = FindAttribute(type, _messagePackObject)!;
                var keyAsPropertyName = contract.ConstructorArguments.Length > 0 && contract.ConstructorArguments[0].Value is true;
                foreach (var named in contract.NamedArguments)
                {
                    if (named.Key == "KeyAsPropertyName" && named.Value.Value is true)
                    {
                        keyAsPropertyName = true;
                    }
                    else if (named.Key == "AllowPrivate" && named.Value.Value is true)
                    {
                        return null;
                    }
                }

                var chain = new List<INamedTypeSymbol>();
                for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
                {
                    chain.Insert(0, t);
                }

                var members = new List<(ISymbol Symbol, ITypeSymbol Type, bool Readable, bool Writable, bool InitOnly)>();
                var seenNames = new HashSet<string>(StringComparer.Ordinal);
                void Collect(ISymbol member)
                {
                    if (member.IsStatic || member.IsImplicitlyDeclared || _ignore.Any(a => HasAttribute(member, a)))
                    {
                        return;
                    }

                    switch (member)
                    {
                        case IPropertySymbol property when !property.IsIndexer && !(type.IsRecord && property.Name == "EqualityContract"):
                            var readable = property.GetMethod is { DeclaredAccessibility: Accessibility.Public };
                            var writable = property.SetMethod is { DeclaredAccessibility: Accessibility.Public };
                            if (readable || writable)
                            {
                                members.Add((property, property.Type, readable, writable, property.SetMethod?.IsInitOnly == true));
                            }

                            break;
                        case IFieldSymbol field when field.AssociatedSymbol is null && field.DeclaredAccessibility == Accessibility.Public:
                            members.Add((field, field.Type, true, !field.IsReadOnly && !field.IsConst, false));
                            break;
                    }
                }

                if (keyAsPropertyName)
                {
                    foreach (var t in chain)
                    {
                        foreach (var member in t.GetMembers().Where(m => m is IPropertySymbol { IsOverride: false }))
                        {
                            Collect(member);
                        }

                        foreach (var member in t.GetMembers().Where(m => m is IFieldSymbol))
                        {
                            Collect(member);
                        }
                    }
                }
                else
                {
                    foreach (var t in chain)
                    {
                        foreach (var member in t.GetMembers().Where(m => m is IPropertySymbol))
                        {
                            Collect(member);
                        }
                    }

                    foreach (var t in chain)
                    {
                        foreach (var member in t.GetMembers().Where(m => m is IFieldSymbol))
                        {
                            Collect(member);
                        }
                    }
                }

                if (members.Any(m => m.Symbol is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                    || type.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
                {
                    return null;
                }

                // Keys.
                var keyed = new List<(ISymbol Symbol, ITypeSymbol Type, bool Readable, bool Writable, bool InitOnly, int IntKey, string? StringKey)>();
                bool? intKeys = keyAsPropertyName ? false : null;
                var hidden = 0;
                foreach (var member in members)
                {
                    if (keyAsPropertyName)
                    {
                        if (!seenNames.Add(member.Symbol.Name))
                        {
                            return null;
                        }

                        keyed.Add((member.Symbol, member.Type, member.Readable, member.Writable, member.InitOnly, hidden++, member.Symbol.Name));
                        continue;
                    }

                    var key = FindAttribute(member.Symbol, _key);
                    if (key is null || key.ConstructorArguments.Length != 1 || key.ConstructorArguments[0].Value is not { } keyValue)
                    {
                        if (member.Symbol is IPropertySymbol { IsOverride: true })
                        {
                            continue;
                        }

                        return null;
                    }

                    var isInt = keyValue is int;
                    if (intKeys is { } expected && expected != isInt)
                    {
                        return null;
                    }

                    intKeys = isInt;
                    var intKey = isInt ? (int)keyValue : hidden++;
                    var stringKey = isInt ? null : (string)keyValue;
                    if (keyed.Any(k => isInt ? k.IntKey == intKey : k.StringKey == stringKey))
                    {
                        if (member.Symbol is IPropertySymbol { IsOverride: true })
                        {
                            continue;
                        }

                        return null;
                    }

                    keyed.Add((member.Symbol, member.Type, member.Readable, member.Writable, member.InitOnly, intKey, stringKey));
                }

                var useIntKeys = intKeys ?? true;
                if (useIntKeys)
                {
                    keyed = keyed.OrderBy(k => k.IntKey).ToList();
                    if (keyed.Any(k => k.IntKey < 0))
                    {
                        return null;
                    }
                }

                // The constructor, chosen as DynamicObjectResolver chooses it.
                var serializationConstructors = type.InstanceConstructors.Where(c => HasAttribute(c, _serializationConstructor)).ToList();
                if (serializationConstructors.Count > 1)
                {
                    return null;
                }

                List<IMethodSymbol> candidates;
                var explicitConstructor = serializationConstructors.Count == 1;
                if (explicitConstructor)
                {
                    candidates = serializationConstructors;
                }
                else
                {
                    candidates = type.InstanceConstructors
                        .Where(c => c.DeclaredAccessibility == Accessibility.Public && !(type.IsValueType && c.IsImplicitlyDeclared))
                        .Select((c, order) => (c, order))
                        .OrderByDescending(x => x.c.Parameters.Length)
                        .ThenBy(x => x.order)
                        .Select(x => x.c)
                        .ToList();
                }

                List<int>? constructorMembers = null;
                foreach (var candidate in candidates)
                {
                    if (!_compilation.IsSymbolAccessibleWithin(candidate, _compilation.Assembly))
                    {
                        return null;
                    }

                    var matched = new List<int>();
                    foreach (var parameter in candidate.Parameters)
                    {
                        var index = -1;
                        if (useIntKeys)
                        {
                            index = matched.Count < keyed.Count ? matched.Count : -1;
                        }
                        else
                        {
                            index = keyed.FindIndex(k => string.Equals(k.StringKey, parameter.Name, StringComparison.OrdinalIgnoreCase));
                            if (index < 0)
                            {
                                index = keyed.FindIndex(k => string.Equals(k.Symbol.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                            }
                        }

                        if (index < 0 || !keyed[index].Readable || !IsAssignable(keyed[index].Type, parameter.Type))
                        {
                            matched = null;
                            break;
                        }

                        matched.Add(index);
                    }

                    if (matched is not null)
                    {
                        constructorMembers = matched;
                        break;
                    }

                    if (explicitConstructor)
                    {
                        return null;
                    }
                }

                if (constructorMembers is null)
                {
                    if (!type.IsValueType || candidates.Count > 0)
                    {
                        return null;
                    }

                    constructorMembers = new List<int>();
                }

                // keyAsPropertyName: a member neither written by the constructor nor settable is not serialized at all.
                var kept = new List<int>();
                for (var i = 0; i < keyed.Count; i++)
                {
                    if (!keyAsPropertyName || keyed[i].Writable || constructorMembers.Contains(i))
                    {
                        kept.Add(i);
                    }
                }

                var specs = kept.Select(i => new ObjectMemberSpec(
                    SyntaxFacts.GetKeywordKind(keyed[i].Symbol.Name) == SyntaxKind.None ? keyed[i].Symbol.Name : "@" + keyed[i].Symbol.Name,
                    Display(keyed[i].Type),
                    keyed[i].IntKey,
                    keyed[i].StringKey,
                    keyed[i].Readable,
                    keyed[i].Writable,
                    keyed[i].InitOnly,
                    keyed[i].Symbol is IFieldSymbol)).ToList();
                var memberTypes = kept.Select(i => keyed[i].Type).ToList();
                if (memberTypes.Any(t => !IsAccessible(t)))
                {
                    return null;
                }

                var spec = new ObjectFormatterSpec(
                    IsClass: type.TypeKind == TypeKind.Class,
                    IntKeys: useIntKeys,
                    Members: specs.ToEquatableArray(),
                    ConstructorMembers: constructorMembers.Select(i => kept.IndexOf(i)).ToEquatableArray(),
                    CallbackReceiver: _callbackReceiver is not null && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, _callbackReceiver)));
                return (spec, memberTypes);
            }

            // Type.IsAssignableFrom: identity, or an implicit reference or boxing conversion.
            private bool IsAssignable(ITypeSymbol from, ITypeSymbol to)
            {
                var conversion = _compilation.ClassifyConversion(from, to);
                return conversion.IsIdentity || (conversion.IsImplicit && (conversion.IsReference || conversion.IsBoxing));
            }
        }
    }
}
