namespace TypedSessions.Generators.Model
{
    /// <summary>One partial property to implement over the session.</summary>
    /// <param name="Name">The property's identifier, escaped if it is a keyword.</param>
    /// <param name="KeyLiteral">The session key as a C# string literal.</param>
    /// <param name="Modifiers">The declaration's modifiers, e.g. <c>public partial</c>.</param>
    /// <param name="Type">The property type, fully qualified, with its nullable annotations.</param>
    /// <param name="ValueType">The type argument for the session calls (the type without a top-level <c>?</c> on reference types).</param>
    /// <param name="ElementType">For arrays, the element type.</param>
    /// <param name="Absent">What an absent key reads as.</param>
    /// <param name="DefaultExpression">The declared default as a C# expression, if any.</param>
    /// <param name="NullRemoves">Whether assigning <see langword="null"/> removes the key.</param>
    /// <param name="Getter">The get accessor, if declared.</param>
    /// <param name="Setter">The set or init accessor, if declared.</param>
    internal sealed record PropertySpec(
        string Name,
        string KeyLiteral,
        string Modifiers,
        string Type,
        string ValueType,
        string? ElementType,
        AbsentValue Absent,
        string? DefaultExpression,
        bool NullRemoves,
        AccessorSpec? Getter,
        AccessorSpec? Setter);

    /// <summary>An accessor: its keyword (<c>get</c>, <c>set</c>, <c>init</c>) and modifiers (e.g. <c>private</c>).</summary>
    internal sealed record AccessorSpec(string Keyword, string Modifiers);
}
