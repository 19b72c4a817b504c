namespace TypedSessions.Generators.Model
{
    /// <summary>A schema class to implement. Holds text only: no symbols, syntax or locations.</summary>
    /// <param name="Refused">Partial members the schema may not have (static, indexers): given placeholder bodies.</param>
    internal sealed record SchemaSpec(
        string HintName,
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Name,
        string FullyQualifiedName,
        EquatableArray<PropertySpec> Properties,
        EquatableArray<RefusedPropertySpec> Refused);

    /// <summary>A type the schema is nested in: its declaration keyword and name (with type parameters, if any).</summary>
    internal sealed record ContainingTypeSpec(string Keyword, string Name);

    /// <summary>
    /// A <c>[SessionSchema]</c> type the generator refuses (TS0001, TS0010): only its partial properties get
    /// placeholder bodies, so the compiler reports nothing in place of the TS diagnostic. It is not registered.
    /// </summary>
    /// <param name="Keyword">The declaration keyword, e.g. <c>class</c> or <c>record</c>.</param>
    /// <param name="Name">The type name with its type parameters, if any.</param>
    internal sealed record RefusedSchemaSpec(
        string HintName,
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Keyword,
        string Name,
        EquatableArray<RefusedPropertySpec> Refused);

    /// <summary>
    /// A partial property or indexer the generator does not implement over the session: it gets accessors that
    /// throw, so the build's only error for it is the TS diagnostic that explains it.
    /// </summary>
    /// <param name="Declaration">Modifiers, type and name (or <c>this[...]</c>), e.g. <c>public static partial int Shared</c>.</param>
    /// <param name="Accessors">The accessors, each with its modifiers, e.g. <c>get</c>, <c>private set</c>.</param>
    /// <param name="Reason">Why it is not implemented, with the TS id (the exception message).</param>
    internal sealed record RefusedPropertySpec(string Declaration, EquatableArray<string> Accessors, string Reason);

    /// <summary>What the generator learned from one <c>[SessionSchema]</c> declaration.</summary>
    /// <param name="Schema">The schema to implement, or <see langword="null"/> when it is refused.</param>
    /// <param name="RefusedSchema">Placeholders for a refused schema, when one is needed and possible.</param>
    /// <param name="Diagnostics">The TS0xxx diagnostics of the schema, reported by the generator.</param>
    internal sealed record SchemaModel(
        SchemaSpec? Schema,
        RefusedSchemaSpec? RefusedSchema,
        EquatableArray<DiagnosticInfo> Diagnostics);
}
