using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.AspNetCore;
using TypedSessions.AspNetCore.Transports;

namespace TypedSessions;

/// <summary>Adds the TypedSessions middleware.</summary>
public static class TypedSessionsApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the session middleware. Place it after <c>UseRouting()</c> (implicit in minimal hosting)
    /// so that <c>WithoutSession()</c> endpoints are recognised, and before the endpoints that use sessions.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseTypedSessions(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<SessionTransport>() is null)
        {
            throw new InvalidOperationException("TypedSessions services are missing: call builder.Services.AddTypedSessions() before app.UseTypedSessions().");
        }

        return app.UseMiddleware<TypedSessionMiddleware>();
    }
}
