using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TypedSessions.Storage;

/// <summary>
/// Binds a store's options to its configuration section (<c>TypedSessions:Sqlite</c>, <c>TypedSessions:Redis</c>, ...) the
/// way the built-in stores do, without trimming or Native AOT warnings: for a store package of your own.
/// </summary>
public static class SessionStoreOptionsBinding
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the configuration section <paramref name="sectionName"/> and validates
    /// the options at startup. The trimmer keeps <typeparamref name="TOptions"/>'s public properties and those of
    /// <see cref="SessionEnvelopeLimits"/>; an options class whose properties are other classes or collections must keep
    /// those types itself (binding a collection of value types can need code generated at runtime under Native AOT).
    /// </summary>
    /// <typeparam name="TOptions">The options class: public settable properties of simple types, or <see cref="SessionEnvelopeLimits"/>.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="sectionName">The configuration section, e.g. <c>TypedSessions:Redis</c>.</param>
    /// <returns>The options builder.</returns>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(SessionEnvelopeLimits))]
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The options type's public properties are kept by its annotation, SessionEnvelopeLimits' by the DynamicDependency.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Options of simple properties need no runtime code generation; the documented contract excludes value-type collections.")]
    public static OptionsBuilder<TOptions> BindStoreSection<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        this OptionsBuilder<TOptions> builder, string sectionName)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);
        return builder.BindConfiguration(sectionName).ValidateOnStart();
    }
}
