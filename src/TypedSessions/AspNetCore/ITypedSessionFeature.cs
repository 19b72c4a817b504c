namespace TypedSessions;

/// <summary>The request feature that carries the request's <see cref="Session"/>.</summary>
public interface ITypedSessionFeature
{
    /// <summary>The request's session.</summary>
    Session Session { get; }
}

internal sealed class TypedSessionFeature(Session session) : ITypedSessionFeature
{
    public Session Session { get; } = session;
}
