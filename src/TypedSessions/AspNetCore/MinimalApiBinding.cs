using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace TypedSessions;

// Minimal APIs bind a parameter asynchronously only through a static BindAsync on the parameter's own type, so this one
// HTTP member of Session lives here, beside the middleware, and only forwards to the request's feature. The session
// itself (Session*.cs, Core/) knows nothing of HTTP.
public sealed partial class Session
{
    /// <summary>Minimal-API binding: a <see cref="Session"/> parameter is loaded asynchronously before the endpoint runs.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter being bound.</param>
    /// <returns>The loaded session.</returns>
    public static async ValueTask<Session?> BindAsync(HttpContext context, ParameterInfo parameter)
        => await context.LoadSessionAsync(context.RequestAborted).ConfigureAwait(false);
}
