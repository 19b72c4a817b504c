namespace TypedSessions.Generators.Model
{
    /// <summary>
    /// A formatter the generated value resolver serves for one type a schema stores (the property type or a type inside
    /// it). Exactly one of <see cref="Expression"/> (a MessagePack formatter built from its public formatter types) and
    /// <see cref="Object"/> (a formatter written for a <c>[MessagePackObject]</c> type) is set.
    /// </summary>
    /// <param name="Type">The type, fully qualified, as written in <c>typeof</c>.</param>
    /// <param name="Expression">A C# expression creating the formatter.</param>
    /// <param name="Object">The shape of a <c>[MessagePackObject]</c> type.</param>
    internal sealed record ValueFormatterSpec(string Type, string? Expression, ObjectFormatterSpec? Object);

    /// <summary>How MessagePack's DynamicObjectResolver would read and write a <c>[MessagePackObject]</c> type.</summary>
    /// <param name="IsClass">A class (null is nil) rather than a struct.</param>
    /// <param name="IntKeys">Integer keys (an array) rather than string keys (a map).</param>
    /// <param name="Members">The serialized members, in the resolver's order (by key for integer keys).</param>
    /// <param name="ConstructorMembers">For each constructor parameter, the index in <see cref="Members"/> of its member.</param>
    /// <param name="CallbackReceiver">Whether the type implements <c>IMessagePackSerializationCallbackReceiver</c>.</param>
    internal sealed record ObjectFormatterSpec(
        bool IsClass,
        bool IntKeys,
        EquatableArray<ObjectMemberSpec> Members,
        EquatableArray<int> ConstructorMembers,
        bool CallbackReceiver);

    /// <summary>One serialized member of a <c>[MessagePackObject]</c> type.</summary>
    /// <param name="Name">The member's name, escaped if it is a keyword.</param>
    /// <param name="Type">The member's type, fully qualified.</param>
    /// <param name="IntKey">The integer key (string keys: the member's position).</param>
    /// <param name="StringKey">The string key, for string-keyed types.</param>
    /// <param name="Readable">Has a public getter (or is a public field): written by Serialize.</param>
    /// <param name="Writable">Has a public setter (or is a public non-readonly field): assigned by Deserialize.</param>
    /// <param name="InitOnly">The setter is <c>init</c>: assigned through an <c>UnsafeAccessor</c>.</param>
    /// <param name="IsField">A field rather than a property.</param>
    internal sealed record ObjectMemberSpec(
        string Name,
        string Type,
        int IntKey,
        string? StringKey,
        bool Readable,
        bool Writable,
        bool InitOnly,
        bool IsField);
}
