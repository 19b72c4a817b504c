using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MessagePack;

namespace TypedSessions.Core;

/// <summary>
/// Owns every MessagePack call on session values: encoding a value, decoding stored bytes, and the serializer
/// options in force. Stored bytes come from clients' sessions, so decoding always runs with
/// <see cref="MessagePackSecurity.UntrustedData"/> (or stricter): options replaced by the app keep their resolver,
/// but trusted-data security is raised to untrusted. The resolver in force puts the formatters generated for schema
/// value types before the app's (<see cref="SessionValueResolver"/>), so schema values need no dynamic code (Native AOT).
/// </summary>
internal sealed class SessionCodec
{
    public SessionCodec(MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secured = ReferenceEquals(options.Security, MessagePackSecurity.TrustedData)
            ? options.WithSecurity(MessagePackSecurity.UntrustedData)
            : options;
        Options = secured.Resolver is SessionValueResolver ? secured : secured.WithResolver(new SessionValueResolver(secured.Resolver));
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

    /// <summary>Decodes the bytes stored under <paramref name="key"/>.</summary>
    /// <exception cref="SessionValueException">The bytes cannot be read as <typeparamref name="T"/>.</exception>
    public T Decode<T>(string key, byte[] bytes)
    {
        if ((typeof(T) == typeof(string) || typeof(T) == typeof(int) || typeof(T) == typeof(int?)) && IsBinary(bytes))
        {
            return FromSessionBytes<T>(key, bytes);
        }

        try
        {
            return MessagePackSerializer.Deserialize<T>(bytes, Options);
        }
        catch (MessagePackSerializationException ex)
        {
            throw new SessionValueException(key, typeof(T), ex);
        }
    }

    // MessagePack's bin 8, bin 16 and bin 32 formats: a value written as bytes (through ISession.Set, or a typed byte[]).
    private static bool IsBinary(byte[] bytes) => bytes.Length > 0 && bytes[0] is >= 0xc4 and <= 0xc6;

    // What SessionExtensions.GetString and GetInt32 read from bytes written through ISession, so a typed string or int
    // (a schema property moved from ISession code) reads the key as the ISession code did — strictly: bytes that are
    // not UTF-8, or not the 4 bytes SetInt32 writes, are an error rather than replacement characters or a prefix.
    private static T FromSessionBytes<T>(string key, byte[] stored)
    {
        var reader = new MessagePackReader(stored);
        try
        {
            var bytes = reader.ReadBytes() is { } sequence ? sequence.ToArray() : [];
            if (typeof(T) == typeof(string))
            {
                return (T)(object)StrictUtf8.GetString(bytes);
            }

            if (bytes.Length != 4)
            {
                throw new InvalidOperationException(
                    $"it holds {bytes.Length} bytes written through ISession; an int reads only the 4 bytes SessionExtensions.SetInt32 writes.");
            }

            return (T)(object)BinaryPrimitives.ReadInt32BigEndian(bytes);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or DecoderFallbackException or InvalidOperationException)
        {
            throw new SessionValueException(key, typeof(T), ex);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The bytes ASP.NET Core's <c>ISession</c> sees for a stored value: a binary value as it was written through
    /// <c>ISession.Set</c>; a string as its UTF-8 bytes (what <c>SessionExtensions.SetString</c> writes, so
    /// <c>GetString</c> reads a typed string); an integer in the <see cref="int"/> range as 4 big-endian bytes (what
    /// <c>SetInt32</c> writes). Any other value has no <c>ISession</c> form.
    /// </summary>
    /// <exception cref="SessionValueException">The value is of another kind (a number out of range, a list, an object, nil).</exception>
    public static byte[] ToSessionBytes(string key, byte[] stored)
    {
        var reader = new MessagePackReader(stored);
        try
        {
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Binary:
                    return reader.ReadBytes() is { } bytes ? bytes.ToArray() : [];
                case MessagePackType.String:
                    return Encoding.UTF8.GetBytes(reader.ReadString() ?? string.Empty);
                case MessagePackType.Integer:
                    var number = reader.ReadInt64();
                    if (number is >= int.MinValue and <= int.MaxValue)
                    {
                        var result = new byte[4];
                        BinaryPrimitives.WriteInt32BigEndian(result, (int)number);
                        return result;
                    }

                    break;
            }
        }
        catch (MessagePackSerializationException ex)
        {
            throw new SessionValueException(key, typeof(byte[]), ex);
        }

        throw new SessionValueException(key, typeof(byte[]), new InvalidOperationException(
            $"it holds a typed {reader.NextMessagePackType} value, which ISession cannot represent as bytes (only binary values, strings and 32-bit integers can be). Read it through the typed Session API or a schema."));
    }
}
