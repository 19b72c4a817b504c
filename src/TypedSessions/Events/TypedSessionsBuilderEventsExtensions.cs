using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions;

/// <summary>Registers <see cref="ISessionEvents"/> handlers.</summary>
public static class TypedSessionsBuilderEventsExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TEvents"/> as a session events handler (a singleton, created through DI). Several
    /// handlers may be added; they run in the order added. Same as <c>services.AddSingleton&lt;ISessionEvents, TEvents&gt;()</c>.
    /// </summary>
    /// <typeparam name="TEvents">The handler type.</typeparam>
    /// <param name="builder">The builder from <c>AddTypedSessions()</c>.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddEvents<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TEvents>(this TypedSessionsBuilder builder)
        where TEvents : class, ISessionEvents
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ISessionEvents, TEvents>();
        return builder;
    }

    /// <summary>Adds <paramref name="events"/> as a session events handler (see <see cref="AddEvents{TEvents}(TypedSessionsBuilder)"/>).</summary>
    /// <param name="builder">The builder from <c>AddTypedSessions()</c>.</param>
    /// <param name="events">The handler instance.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddEvents(this TypedSessionsBuilder builder, ISessionEvents events)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(events);
        builder.Services.AddSingleton(events);
        return builder;
    }
}
