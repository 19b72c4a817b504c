namespace TypedSessions.Generators.Model
{
    /// <summary>A schema class to implement. Holds text only: no symbols, syntax or locations.</summary>
    internal sealed record SchemaSpec(
        string HintName,
        string? Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Name,
        string FullyQualifiedName,
        EquatableArray<PropertySpec> Properties);

    /// <summary>A type the schema is nested in: its declaration keyword and name.</summary>
    internal sealed record ContainingTypeSpec(string Keyword, string Name);
}
