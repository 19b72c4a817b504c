namespace TypedSessions;

/// <summary>
/// Marks a <see langword="partial"/> class as a typed view over the session: the TypedSessions
/// source generator implements each of its <c>partial</c> properties as a session value, and the
/// class becomes an <see cref="ISessionSchema{TSelf}"/> that endpoints can take as a parameter,
/// services can inject and <c>HttpContext.GetSession&lt;T&gt;()</c> returns.
/// </summary>
/// <remarks>
/// The key of a property is its name unless <see cref="SessionKeyAttribute"/> names one. An absent
/// key reads as <see langword="null"/> for nullable types, as the
/// <see cref="System.ComponentModel.DefaultValueAttribute"/> value or <c>default</c> for value types,
/// as an empty string, array or collection for non-nullable strings, arrays and collections (a new
/// collection is saved only if it is changed), and setting <see langword="null"/> removes the key.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SessionSchemaAttribute : Attribute
{
}
