using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;
using TypedSessions.Generators.Model;

namespace TypedSessions.Generators
{
    public sealed partial class SessionSchemaGenerator
    {
        private const string SessionField = "__typedSession";
        private const string SessionType = "global::TypedSessions.Session";

        private static readonly string GeneratedCodeAttribute =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"TypedSessions.Generators\", \""
            + typeof(SessionSchemaGenerator).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version
            + "\")]";

        internal static string EmitSchema(SchemaSpec schema)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);
            OpenContainers(writer, schema.Namespace, schema.ContainingTypes);

            var self = schema.FullyQualifiedName;
            writer.WriteLine("partial class " + schema.Name + " : global::TypedSessions.ISessionSchema<" + self + ">");
            writer.OpenBlock();

            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("private readonly " + SessionType + " " + SessionField + ";");
            writer.WriteLine();
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("private " + schema.Name + "(" + SessionType + " session)");
            writer.OpenBlock();
            writer.WriteLine(SessionField + " = session;");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc/>");
            writer.WriteLine(SessionType + " global::TypedSessions.ISessionSchema.Session => " + SessionField + ";");
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc/>");
            writer.WriteLine("static " + self + " global::TypedSessions.ISessionSchema<" + self + ">.Create(" + SessionType + " session) => new " + self + "(session);");
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc/>");
            writer.WriteLine("static global::System.Threading.Tasks.ValueTask<" + self + "?> global::Microsoft.AspNetCore.Http.IBindableFromHttpContext<" + self + ">.BindAsync(global::Microsoft.AspNetCore.Http.HttpContext context, global::System.Reflection.ParameterInfo parameter)");
            writer.Indentation++;
            writer.WriteLine("=> global::TypedSessions.SessionSchemaSupport.BindAsync<" + self + ">(context);");
            writer.Indentation--;

            foreach (var property in schema.Properties)
            {
                writer.WriteLine();
                WriteProperty(writer, property);
            }

            foreach (var refused in schema.Refused)
            {
                writer.WriteLine();
                WritePlaceholder(writer, refused);
            }

            writer.CloseBlock();
            CloseContainers(writer, schema.Namespace, schema.ContainingTypes);
            return writer.ToString();
        }

        /// <summary>
        /// Placeholder bodies for the partial properties of a schema that is not generated (TS0001, TS0010):
        /// no session, no registration, only what keeps the compiler from adding its own error to the TS one.
        /// </summary>
        internal static string EmitRefusedSchema(RefusedSchemaSpec schema)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);
            OpenContainers(writer, schema.Namespace, schema.ContainingTypes);
            writer.WriteLine("partial " + schema.Keyword + " " + schema.Name);
            writer.OpenBlock();
            for (var i = 0; i < schema.Refused.Count; i++)
            {
                if (i > 0)
                {
                    writer.WriteLine();
                }

                WritePlaceholder(writer, schema.Refused[i]);
            }

            writer.CloseBlock();
            CloseContainers(writer, schema.Namespace, schema.ContainingTypes);
            return writer.ToString();
        }

        internal static string EmitRegistration(ImmutableArray<string> schemaTypes)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine("namespace TypedSessions.Generated");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>Registers this assembly's session schemas so that AddTypedSessions() makes them injectable.</summary>");
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine("file static class SessionSchemaRegistration");
            writer.OpenBlock();
            writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            writer.WriteLine("internal static void Register()");
            writer.OpenBlock();
            foreach (var schemaType in schemaTypes)
            {
                writer.WriteLine("global::TypedSessions.SessionSchemaSupport.Register<" + schemaType + ">();");
            }

            writer.CloseBlock();
            writer.CloseBlock();
            writer.CloseBlock();
            return writer.ToString();
        }

        private static void OpenContainers(SourceWriter writer, string? ns, EquatableArray<ContainingTypeSpec> containingTypes)
        {
            if (ns is not null)
            {
                writer.WriteLine("namespace " + ns);
                writer.OpenBlock();
            }

            foreach (var outer in containingTypes)
            {
                writer.WriteLine("partial " + outer.Keyword + " " + outer.Name);
                writer.OpenBlock();
            }
        }

        private static void CloseContainers(SourceWriter writer, string? ns, EquatableArray<ContainingTypeSpec> containingTypes)
        {
            foreach (var _ in containingTypes)
            {
                writer.CloseBlock();
            }

            if (ns is not null)
            {
                writer.CloseBlock();
            }
        }

        // The accessors throw: the member is never meant to run, and the build already fails with its TS error.
        private static void WritePlaceholder(SourceWriter writer, RefusedPropertySpec property)
        {
            var body = " => throw new global::System.NotSupportedException(" + SymbolDisplay.FormatLiteral(property.Reason, quote: true) + ");";
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine(property.Declaration);
            writer.OpenBlock();
            foreach (var accessor in property.Accessors)
            {
                writer.WriteLine(accessor + body);
            }

            writer.CloseBlock();
        }

        private static void WriteHeader(SourceWriter writer)
        {
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#nullable enable");
            writer.WriteLine();
        }

        private static void WriteProperty(SourceWriter writer, PropertySpec property)
        {
            var key = property.KeyLiteral;
            writer.WriteLine(GeneratedCodeAttribute);
            writer.WriteLine(property.Modifiers + " " + property.Type + " " + property.Name);
            writer.OpenBlock();
            if (property.Getter is { } getter)
            {
                writer.WriteLine(Prefix(getter) + "get => " + ReadExpression(property) + ";");
            }

            if (property.Setter is { } setter)
            {
                var write = SessionField + ".Set<" + property.ValueType + ">(" + key + ", value);";
                if (property.NullRemoves)
                {
                    writer.WriteLine(Prefix(setter) + setter.Keyword);
                    writer.OpenBlock();
                    writer.WriteLine("if (value is null)");
                    writer.OpenBlock();
                    writer.WriteLine(SessionField + ".Remove(" + key + ");");
                    writer.CloseBlock();
                    writer.WriteLine("else");
                    writer.OpenBlock();
                    writer.WriteLine(write);
                    writer.CloseBlock();
                    writer.CloseBlock();
                }
                else
                {
                    writer.WriteLine(Prefix(setter) + setter.Keyword + " => " + write);
                }
            }

            writer.CloseBlock();
        }

        private static string Prefix(AccessorSpec accessor) => accessor.Modifiers.Length == 0 ? string.Empty : accessor.Modifiers + " ";

        private static string ReadExpression(PropertySpec property)
        {
            var key = property.KeyLiteral;
            var get = SessionField + ".Get<" + property.ValueType + ">(" + key;
            return property.Absent switch
            {
                AbsentValue.Default => property.DefaultExpression is { } value ? get + ", " + value + ")" : get + ")",
                AbsentValue.Null => property.DefaultExpression is { } value ? get + ") ?? " + value : get + ")",
                AbsentValue.EmptyString => get + ") ?? " + (property.DefaultExpression ?? "\"\""),
                AbsentValue.EmptyArray => get + ") ?? global::System.Array.Empty<" + property.ElementType + ">()",
                AbsentValue.NewInstance => SessionField + ".GetOrNew<" + property.ValueType + ">(" + key + ")",
                _ => get + ")!",
            };
        }
    }
}
