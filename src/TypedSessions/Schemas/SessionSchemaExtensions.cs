using Microsoft.AspNetCore.Http;

namespace TypedSessions;

/// <summary>Reaching typed session schemas and, from a schema, the untyped session.</summary>
public static class SessionSchemaExtensions
{
    /// <summary>
    /// The untyped session behind a schema, for the operations a schema does not declare
    /// (<see cref="Session.Flush"/>, <see cref="Session.CycleId"/>, <see cref="Session.SetExpiry(TimeSpan)"/>,
    /// <see cref="Session.BindUser"/>, keys outside the schema, ...).
    /// </summary>
    /// <param name="schema">The schema.</param>
    /// <returns>The session.</returns>
    public static Session AsSession(this ISessionSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Session;
    }

    /// <summary>A typed view of <paramref name="session"/>.</summary>
    /// <typeparam name="T">The schema type.</typeparam>
    /// <param name="session">The session.</param>
    /// <returns>The schema.</returns>
    public static T As<T>(this Session session)
        where T : class, ISessionSchema<T>
    {
        ArgumentNullException.ThrowIfNull(session);
        return T.Create(session);
    }

    /// <summary>
    /// The request's session as the schema <typeparamref name="T"/> (one instance per request).
    /// Reading it before the session is loaded (on-demand mode) throws; see <see cref="LoadSessionAsync{T}"/>.
    /// </summary>
    /// <typeparam name="T">The schema type.</typeparam>
    /// <param name="context">The request.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="InvalidOperationException"><c>UseTypedSessions()</c> did not run for this request.</exception>
    public static T GetSession<T>(this HttpContext context)
        where T : class, ISessionSchema<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = context.GetSession();
        if (context.Features.Get<T>() is { } cached && ReferenceEquals(cached.Session, session))
        {
            return cached;
        }

        var schema = T.Create(session);
        context.Features.Set(schema);
        return schema;
    }

    /// <summary>The request's session as the schema <typeparamref name="T"/>, loaded whole first (one store call at most per request; after <see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>, one more for the rest).</summary>
    /// <typeparam name="T">The schema type.</typeparam>
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The loaded schema.</returns>
    /// <exception cref="SessionUnavailableException">The store failed or timed out.</exception>
    public static async ValueTask<T> LoadSessionAsync<T>(this HttpContext context, CancellationToken cancellationToken = default)
        where T : class, ISessionSchema<T>
    {
        await context.LoadSessionAsync(cancellationToken).ConfigureAwait(false);
        return context.GetSession<T>();
    }
}
