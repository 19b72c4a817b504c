using Microsoft.AspNetCore.Http;

namespace TypedSessions;

/// <summary>
/// A typed view over a <see cref="TypedSessions.Session"/>, implemented by the source generator for
/// classes marked <see cref="SessionSchemaAttribute"/>. The member is implemented explicitly so that
/// it never collides with a schema's own properties; call
/// <see cref="SessionSchemaExtensions.AsSession(ISessionSchema)"/> to reach the untyped operations
/// (<see cref="Session.Flush"/>, <see cref="Session.CycleId"/>, <see cref="Session.SetExpiry(TimeSpan)"/>, ...).
/// </summary>
public interface ISessionSchema
{
    /// <summary>The session the schema reads and writes.</summary>
    Session Session { get; }
}

/// <summary>
/// A schema that can be created over a session without reflection, and bound as a minimal-API
/// parameter (the session is loaded asynchronously first).
/// </summary>
/// <typeparam name="TSelf">The schema type.</typeparam>
public interface ISessionSchema<TSelf> : ISessionSchema, IBindableFromHttpContext<TSelf>
    where TSelf : class, ISessionSchema<TSelf>
{
    /// <summary>Creates the schema over <paramref name="session"/>; it holds no state of its own.</summary>
    /// <param name="session">The session.</param>
    /// <returns>The schema.</returns>
    static abstract TSelf Create(Session session);
}
