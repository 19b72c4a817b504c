using System.ComponentModel;
using MessagePack;
using MessagePack.Formatters;

namespace TypedSessions;

/// <summary>
/// The formatters the TypedSessions source generator writes for the value types of an assembly's
/// <see cref="SessionSchemaAttribute"/> classes (collections, enums, <c>[MessagePackObject]</c> types), registered by
/// the generated module initializer. Session values are encoded with these before the resolver of
/// <c>TypedSessionOptions.SerializerOptions</c>, so they need none of MessagePack's dynamic code generation (Native AOT,
/// trimming). Not meant to be called directly (docs/aot.md).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SessionValueFormatters
{
    private static readonly Lock Gate = new();
    private static IFormatterResolver[] _registered = [];

    /// <summary>Adds an assembly's generated resolver; registering the same instance again does nothing.</summary>
    /// <param name="resolver">A resolver that serves only the types it was generated for (<see langword="null"/> for any other).</param>
    public static void Register(IFormatterResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (Gate)
        {
            if (Array.IndexOf(_registered, resolver) < 0)
            {
                Volatile.Write(ref _registered, [.. _registered, resolver]);
            }
        }
    }

    /// <summary>
    /// A resolver over every registered generated resolver: the generated formatter for a type, or
    /// <see langword="null"/> when no schema of a loaded assembly needs one. To use the generated formatters in other
    /// MessagePack options, put it before their resolver (<c>CompositeResolver.Create(SessionValueFormatters.Resolver, ...)</c>).
    /// </summary>
    public static IFormatterResolver Resolver { get; } = new GeneratedResolver();

    /// <summary>The registered resolvers, in registration order; a new array on every registration.</summary>
    internal static IFormatterResolver[] Registered => Volatile.Read(ref _registered);

    private sealed class GeneratedResolver : IFormatterResolver
    {
        public IMessagePackFormatter<T>? GetFormatter<T>() => Generated<T>.Find();
    }

    /// <summary>The generated formatter for <typeparamref name="T"/>, looked up again only after a new registration.</summary>
    private static class Generated<T>
    {
        private static Lookup? _last;

        public static IMessagePackFormatter<T>? Find()
        {
            var registered = Registered;
            var last = Volatile.Read(ref _last);
            if (last is null || !ReferenceEquals(last.Registered, registered))
            {
                last = new Lookup(registered, Search(registered));
                Volatile.Write(ref _last, last);
            }

            return last.Formatter;
        }

        private static IMessagePackFormatter<T>? Search(IFormatterResolver[] registered)
        {
            foreach (var resolver in registered)
            {
                if (resolver.GetFormatter<T>() is { } formatter)
                {
                    return formatter;
                }
            }

            return null;
        }

        private sealed record Lookup(IFormatterResolver[] Registered, IMessagePackFormatter<T>? Formatter);
    }
}
