using MessagePack;
using MessagePack.Formatters;

namespace TypedSessions.Core;

/// <summary>
/// The resolver session values are encoded and decoded with: the formatters generated for schema value types
/// (<see cref="SessionValueFormatters.Resolver"/>) first, then the app's resolver (<c>SerializerOptions.Resolver</c>, by
/// default MessagePack's standard resolver). A type the generator wrote a formatter for never reaches the app's
/// resolver, so under Native AOT it never reaches MessagePack's dynamic resolvers either.
/// </summary>
internal sealed class SessionValueResolver(IFormatterResolver fallback) : IFormatterResolver
{
    /// <summary>The app's resolver, asked for every type without a generated formatter.</summary>
    public IFormatterResolver Fallback { get; } = fallback;

    public IMessagePackFormatter<T>? GetFormatter<T>() => SessionValueFormatters.Resolver.GetFormatter<T>() ?? Fallback.GetFormatter<T>();
}
