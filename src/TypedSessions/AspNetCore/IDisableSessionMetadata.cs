using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TypedSessions;

/// <summary>Endpoint metadata: the endpoint has no session (no load, no cookie, no store I/O).</summary>
public interface IDisableSessionMetadata
{
}

/// <summary>Marks a controller, action or Razor page as not using the session.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class WithoutSessionAttribute : Attribute, IDisableSessionMetadata
{
}

/// <summary>Endpoint convention extensions.</summary>
public static class SessionEndpointConventionBuilderExtensions
{
    /// <summary>The endpoint runs without a session: no load, no cookie, no store I/O (health checks, static APIs).</summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithoutSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new WithoutSessionAttribute());
        return builder;
    }
}
