using Microsoft.AspNetCore.Http;

namespace TypedSessions;

/// <summary>Reaching the session from an <see cref="HttpContext"/>.</summary>
public static class SessionHttpContextExtensions
{
    /// <summary>The request's session. Reading it before it is loaded (on-demand mode) throws; see <see cref="LoadSessionAsync"/>.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The session.</returns>
    /// <exception cref="InvalidOperationException"><c>UseTypedSessions()</c> did not run for this request.</exception>
    public static Session GetSession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ITypedSessionFeature>()?.Session
            ?? throw new InvalidOperationException(
                "No TypedSessions session on this request. Register the services with builder.Services.AddTypedSessions() " +
                "and add the middleware with app.UseTypedSessions() before the endpoints that use sessions.");
    }

    /// <summary>The request's session, loaded whole (one store call at most, done once per request; after <see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>, one more for the rest).</summary>
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The loaded session.</returns>
    /// <exception cref="SessionUnavailableException">The store failed or timed out.</exception>
    public static async ValueTask<Session> LoadSessionAsync(this HttpContext context, CancellationToken cancellationToken = default)
    {
        var session = context.GetSession();
        await session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return session;
    }
}
