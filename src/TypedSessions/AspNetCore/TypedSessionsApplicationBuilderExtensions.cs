using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.AspNetCore;
using TypedSessions.AspNetCore.Transports;
using TypedSessions.Diagnostics;

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

        // Microsoft.AspNetCore.Session registered too: HttpContext.Session is whichever middleware set its feature last.
        if (app.ApplicationServices.GetService<Microsoft.AspNetCore.Session.ISessionStore>() is not null
            && app.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("TypedSessions") is { } logger)
        {
            SessionLog.BuiltInSessionAlsoRegistered(logger);
        }

        return app.UseMiddleware<TypedSessionMiddleware>();
    }
}
