using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TypedSessions;

/// <summary>Registering session schemas explicitly.</summary>
public static class TypedSessionsBuilderSchemaExtensions
{
    /// <summary>
    /// Makes the schema <typeparamref name="T"/> injectable (a scoped service over the current
    /// request's session). Schemas in the app's own assembly are registered by
    /// <c>AddTypedSessions()</c> already; call this for a schema in a library whose code has not run
    /// before <c>AddTypedSessions()</c>.
    /// </summary>
    /// <typeparam name="T">The schema type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddSchema<T>(this TypedSessionsBuilder builder)
        where T : class, ISessionSchema<T>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAdd(SessionSchemaSupport.Descriptor<T>());
        return builder;
    }
}
