using MessagePack;

namespace TypedSessions.Core;

/// <summary>
/// Owns every MessagePack call on session values: encoding a value, decoding stored bytes, and the serializer
/// options in force. Stored bytes come from clients' sessions, so decoding always runs with
/// <see cref="MessagePackSecurity.UntrustedData"/> (or stricter): options replaced by the app keep their resolver,
/// but trusted-data security is raised to untrusted.
/// </summary>
internal sealed class SessionCodec
{
    public SessionCodec(MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = ReferenceEquals(options.Security, MessagePackSecurity.TrustedData)
            ? options.WithSecurity(MessagePackSecurity.UntrustedData)
            : options;
    }

    /// <summary>The options every encode and decode uses.</summary>
    public MessagePackSerializerOptions Options { get; }

    /// <summary>Encodes <paramref name="value"/> as the bytes stored under <paramref name="key"/>.</summary>
    /// <exception cref="SessionValueException">The serializer cannot encode the value.</exception>
    public byte[] Encode<T>(string key, T value)
    {
        try
        {
            return MessagePackSerializer.Serialize(value, Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new SessionValueException(key, typeof(T), ex);
        }
    }

    /// <summary>Encodes a value whose type is known only at run time (a cached value re-encoded to detect in-place changes).</summary>
    /// <exception cref="SessionValueException">The serializer cannot encode the value.</exception>
    public byte[] Encode(string key, Type type, object? value)
    {
        try
        {
            return MessagePackSerializer.Serialize(type, value, Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new SessionValueException(key, type, ex);
        }
    }

    /// <summary>Decodes the bytes stored under <paramref name="key"/>.</summary>
    /// <exception cref="SessionValueException">The bytes cannot be read as <typeparamref name="T"/>.</exception>
    public T Decode<T>(string key, byte[] bytes)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(bytes, Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new SessionValueException(key, typeof(T), ex);
        }
    }
}
