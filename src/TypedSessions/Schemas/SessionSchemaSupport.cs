using System.ComponentModel;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TypedSessions;

/// <summary>
/// Called by the code the TypedSessions source generator writes for <see cref="SessionSchemaAttribute"/>
/// classes; not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SessionSchemaSupport
{
    private static readonly Lock Gate = new();
    private static readonly List<ServiceDescriptor> Registered = [];

    /// <summary>
    /// Records a schema so that <c>AddTypedSessions()</c> makes it injectable (a scoped service over
    /// the current request's session). The generated module initializer calls it when the schema's
    /// assembly is first used.
    /// </summary>
    /// <typeparam name="T">The schema type.</typeparam>
    public static void Register<T>()
        where T : class, ISessionSchema<T>
    {
        lock (Gate)
        {
            if (!Registered.Exists(d => d.ServiceType == typeof(T)))
            {
                Registered.Add(Descriptor<T>());
            }
        }
    }

    /// <summary>Minimal-API binding of a schema parameter: loads the session asynchronously, then returns the schema.</summary>
    /// <typeparam name="T">The schema type.</typeparam>
    /// <param name="context">The request.</param>
    /// <returns>The loaded schema.</returns>
    public static async ValueTask<T?> BindAsync<T>(HttpContext context)
        where T : class, ISessionSchema<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.LoadSessionAsync<T>(context.RequestAborted).ConfigureAwait(false);
    }

    internal static ServiceDescriptor Descriptor<T>()
        where T : class, ISessionSchema<T>
        => ServiceDescriptor.Scoped(static services =>
        {
            var context = services.GetRequiredService<IHttpContextAccessor>().HttpContext
                ?? throw new InvalidOperationException(
                    $"The session schema {typeof(T).Name} can only be resolved while an HTTP request is being handled.");
            return context.GetSession<T>();
        });

    // Registers the schemas whose assemblies have run their module initializers by now.
    internal static void AddRegisteredSchemas(IServiceCollection services)
    {
        ServiceDescriptor[] registered;
        lock (Gate)
        {
            registered = [.. Registered];
        }

        services.AddHttpContextAccessor();
        foreach (var descriptor in registered)
        {
            services.TryAdd(descriptor);
        }
    }
}
