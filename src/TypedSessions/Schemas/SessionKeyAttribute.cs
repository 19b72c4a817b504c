namespace TypedSessions;

/// <summary>
/// Names the session key a schema property is stored under (by default the property's name).
/// Use it to keep stored data readable after a rename, or to share a key with the untyped API.
/// </summary>
/// <param name="name">
/// The key: 1 to <see cref="Session.MaxKeyLength"/> characters, not starting with the reserved
/// prefix <see cref="ReservedPrefix"/>.
/// </param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SessionKeyAttribute(string name) : Attribute
{
    /// <summary>Keys starting with this prefix are reserved for TypedSessions and its integrations.</summary>
    public const string ReservedPrefix = SessionKeyRules.ReservedPrefix;

    /// <summary>The session key.</summary>
    public string Name { get; } = name;
}
