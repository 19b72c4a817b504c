using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using TypedSessions.Analyzers;

namespace TypedSessions.Generators
{
    /// <summary>The schema rules (TS0xxx). Each id has a page under docs/diagnostics.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "TypedSessions.Schema";

        public static readonly DiagnosticDescriptor SchemaNotPartial = Create(
            DiagnosticIds.SchemaNotPartial,
            "Session schema must be partial",
            "Session schema '{0}' must be declared partial{1} so its session properties can be generated",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor PropertyNotPartial = Create(
            DiagnosticIds.PropertyNotPartial,
            "Schema property is not stored in the session",
            "Property '{0}' of session schema '{1}' is an ordinary property whose value is not stored in the session; declare it partial to store it",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor PropertyNeedsGetAndSet = Create(
            DiagnosticIds.PropertyNeedsGetAndSet,
            "Session property needs a getter and a setter",
            "Session property '{0}' must declare both 'get' and 'set' accessors",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor PropertyInitOnly = Create(
            DiagnosticIds.PropertyInitOnly,
            "Session property cannot be init-only",
            "Session property '{0}' cannot use 'init': session values change during a request; use 'set'",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor PropertyStatic = Create(
            DiagnosticIds.PropertyStatic,
            "Session property cannot be static",
            "Session property '{0}' cannot be static: each request has its own session",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor PropertyIndexer = Create(
            DiagnosticIds.PropertyIndexer,
            "Session schema cannot declare a partial indexer",
            "Session schema '{0}' cannot declare a partial indexer; use the untyped API (AsSession().Get<T>(key)) for dynamic keys",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor UnsupportedPropertyType = Create(
            DiagnosticIds.UnsupportedPropertyType,
            "Session property type is not supported",
            "Session property '{0}' has type '{1}', which the session serializer does not support{2}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor DuplicateKey = Create(
            DiagnosticIds.DuplicateKey,
            "Two session properties use the same key",
            "Session property '{0}' uses the key \"{1}\", which property '{2}' already uses",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor InvalidKey = Create(
            DiagnosticIds.InvalidKey,
            "Invalid session key",
            "Session property '{0}' has an invalid key \"{1}\": {2}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor UnsupportedSchemaShape = Create(
            DiagnosticIds.UnsupportedSchemaShape,
            "Unsupported session schema shape",
            "Session schema '{0}' {1}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor SecretLikeProperty = Create(
            DiagnosticIds.SecretLikeProperty,
            "Session property looks like a secret",
            "Session property '{0}' looks like it holds a secret ({1}); session stores keep values readable to anyone with store access, so keep secrets out of the session or store a reference to them",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor InvalidDefaultValue = Create(
            DiagnosticIds.InvalidDefaultValue,
            "Invalid default value for a session property",
            "The default value of session property '{0}' {1}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor NoValueWhenAbsent = Create(
            DiagnosticIds.NoValueWhenAbsent,
            "Session property has no value when its key is absent",
            "Session property '{0}' has the non-nullable type '{1}', which has no public parameterless constructor to create a value when the key is absent; make the property nullable",
            DiagnosticSeverity.Error);

        /// <summary>Every schema rule, reported by <see cref="SessionSchemaGenerator"/>.</summary>
        public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
            SchemaNotPartial,
            PropertyNotPartial,
            PropertyNeedsGetAndSet,
            PropertyInitOnly,
            PropertyStatic,
            PropertyIndexer,
            UnsupportedPropertyType,
            DuplicateKey,
            InvalidKey,
            UnsupportedSchemaShape,
            SecretLikeProperty,
            InvalidDefaultValue,
            NoValueWhenAbsent);

        /// <summary>The rules by id: the generator's model holds ids, not descriptors.</summary>
        public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id, d => d);

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity)
            => new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: DiagnosticIds.HelpLinkBase + id + ".md");
    }
}
