using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TypedSessions.Ids;

namespace TypedSessions.Storage.Cookie;

/// <summary>
/// The encrypted cookie store: the whole session record travels in the session cookie, protected by
/// ASP.NET Core Data Protection (authenticated encryption), Brotli-compressed and split into chunks.
/// Nothing is kept on the server.
/// </summary>
/// <remarks>
/// <para>It is not an <see cref="ISessionStore"/>: there is no server-side record to address. Selecting it
/// (<c>TypedSessions:Store=Cookie</c> or <c>AddCookieStore()</c>) makes the request pipeline use the encrypted-cookie
/// transport, which reads the session from the request's cookies and writes it into the response's; this type holds
/// the format (protect, compress, chunk, read).</para>
/// <para>Concurrent requests do not merge: the cookie of the last response wins. A copied cookie stays
/// valid until the expiry inside it passes — there is no server-side revocation and no "log out
/// everywhere". Share and persist the Data Protection key ring across instances. See <c>docs/stores.md</c>.</para>
/// </remarks>
public sealed class CookieSessionStore
{
    /// <summary>The name that selects this store (<c>TypedSessions:Store</c>).</summary>
    public const string StoreName = "Cookie";

    /// <summary>The Data Protection purpose of the session payload; the cookie's name is a sub-purpose.</summary>
    public const string Purpose = "TypedSessions.CookieStore.v1";

    /// <summary>The value of the base cookie when the payload is split: <c>chunks-N</c>, then cookies <c>{name}C1</c>…<c>{name}CN</c>.</summary>
    internal const string ChunkCountPrefix = "chunks-";

    private const byte PayloadFormat = 1;
    private const byte Uncompressed = 0;
    private const byte Brotli = 1;
    private const int HeaderLength = 2 + SessionId.EncodedLength;

    private readonly IDataProtector _protector;
    private readonly CookieSessionStoreOptions _options;
    private readonly int _maxEnvelopeBytes;

    /// <summary>Creates the store.</summary>
    /// <param name="dataProtection">The app's Data Protection provider (its key ring must be shared by every instance).</param>
    /// <param name="options">Chunking and compression settings.</param>
    /// <param name="sessionOptions">The session settings (cookie name, size limit).</param>
    public CookieSessionStore(IDataProtectionProvider dataProtection, IOptions<CookieSessionStoreOptions> options, IOptions<TypedSessionOptions> sessionOptions)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessionOptions);
        _options = options.Value;
        if (_options.ChunkSize is < 256 or > 4050)
        {
            throw new OptionsValidationException(nameof(CookieSessionStoreOptions), typeof(CookieSessionStoreOptions), [$"CookieSessionStoreOptions.ChunkSize must be 256 to 4050 characters; it is {_options.ChunkSize}."]);
        }

        if (_options.MaxChunks is < 1 or > 32)
        {
            throw new OptionsValidationException(nameof(CookieSessionStoreOptions), typeof(CookieSessionStoreOptions), [$"CookieSessionStoreOptions.MaxChunks must be 1 to 32; it is {_options.MaxChunks}."]);
        }

        _protector = dataProtection.CreateProtector(Purpose, sessionOptions.Value.Cookie.EffectiveName);

        // A payload decompresses to at most what the size limit lets a session hold, plus envelope overhead.
        _maxEnvelopeBytes = (int)Math.Min(SessionEnvelopeLimits.Default.MaxEnvelopeBytes, (2L * sessionOptions.Value.MaxSessionSize) + (64 * 1024));
    }

    /// <summary>The chunking and compression settings in force.</summary>
    public CookieSessionStoreOptions Options => _options;

    /// <summary>Encodes, compresses and protects a session into the cookie value (before chunking).</summary>
    /// <exception cref="SessionCookieTooLargeException">The value needs more than <see cref="CookieSessionStoreOptions.MaxChunks"/> cookies.</exception>
    internal string Protect(SessionId id, SessionRecord record)
    {
        var envelope = SessionEnvelope.Serialize(record);
        var compression = Uncompressed;
        var body = envelope;
        if (envelope.Length >= _options.CompressionThreshold)
        {
            var compressed = Compress(envelope);
            if (compressed.Length < envelope.Length)
            {
                compression = Brotli;
                body = compressed;
            }
        }

        var plain = new byte[HeaderLength + body.Length];
        plain[0] = PayloadFormat;
        plain[1] = compression;
        Encoding.ASCII.GetBytes(id.Value, plain.AsSpan(2, SessionId.EncodedLength));
        body.CopyTo(plain.AsSpan(HeaderLength));
        var value = Base64Url.EncodeToString(_protector.Protect(plain));
        if (value.Length > _options.MaxTotalSize)
        {
            throw new SessionCookieTooLargeException(value.Length, _options.MaxTotalSize, ChunkCount(value.Length), _options.MaxChunks);
        }

        return value;
    }

    /// <summary>Splits a protected value into the cookies to send: one cookie, or a count cookie and the chunks.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Chunk(string baseName, string value)
    {
        var count = ChunkCount(value.Length);
        if (count == 1)
        {
            return [new(baseName, value)];
        }

        var cookies = new List<KeyValuePair<string, string>>(count + 1)
        {
            new(baseName, ChunkCountPrefix + count.ToString(CultureInfo.InvariantCulture)),
        };
        for (var i = 0; i < count; i++)
        {
            var start = i * _options.ChunkSize;
            cookies.Add(new(ChunkName(baseName, i + 1), value.Substring(start, Math.Min(_options.ChunkSize, value.Length - start))));
        }

        return cookies;
    }

    /// <summary>Reads and unprotects the request's session cookies. Never throws for bad input: it reports a failure reason.</summary>
    internal CookieReadResult Read(IRequestCookieCollection cookies, string baseName)
    {
        var names = new List<string>();
        foreach (var name in cookies.Keys)
        {
            if (BelongsToSession(name, baseName))
            {
                names.Add(name);
            }
        }

        var first = cookies[baseName];
        if (first is null)
        {
            return new CookieReadResult(names, null, null, names.Count == 0 ? null : "chunk cookies without their base cookie");
        }

        string value;
        if (first.StartsWith(ChunkCountPrefix, StringComparison.Ordinal))
        {
            if (!int.TryParse(first.AsSpan(ChunkCountPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > _options.MaxChunks)
            {
                return new CookieReadResult(names, null, null, "an invalid chunk count");
            }

            var builder = new StringBuilder(count * _options.ChunkSize);
            for (var i = 1; i <= count; i++)
            {
                if (cookies[ChunkName(baseName, i)] is not { } chunk)
                {
                    return new CookieReadResult(names, null, null, "a missing chunk");
                }

                builder.Append(chunk);
            }

            value = builder.ToString();
        }
        else
        {
            value = first;
        }

        if (value.Length > _options.MaxTotalSize)
        {
            return new CookieReadResult(names, null, null, "a value over the size limit");
        }

        if (!Base64Url.IsValid(value))
        {
            return new CookieReadResult(names, null, null, "a value that is not base64url");
        }

        byte[] plain;
        try
        {
            plain = _protector.Unprotect(Base64Url.DecodeFromChars(value));
        }
        catch (CryptographicException)
        {
            return new CookieReadResult(names, null, null, "a payload that does not decrypt (tampered, truncated, or protected by another key ring or purpose)");
        }

        try
        {
            var (id, record) = Decode(plain);
            return new CookieReadResult(names, id, record, null);
        }
        catch (SessionDataException ex)
        {
            return new CookieReadResult(names, null, null, "a malformed payload: " + ex.Message);
        }
    }

    /// <summary>The cookie that carries chunk <paramref name="index"/> (1-based).</summary>
    internal static string ChunkName(string baseName, int index) => baseName + "C" + index.ToString(CultureInfo.InvariantCulture);

    private (SessionId Id, SessionRecord Record) Decode(byte[] plain)
    {
        if (plain.Length < HeaderLength || plain[0] != PayloadFormat)
        {
            throw new SessionDataException("unknown cookie payload format.");
        }

        var idText = Encoding.ASCII.GetString(plain, 2, SessionId.EncodedLength);
        if (!SessionId.TryParse(idText, out var id))
        {
            throw new SessionDataException("the payload's session id is not well formed.");
        }

        var envelope = plain[1] switch
        {
            Uncompressed => plain.AsMemory(HeaderLength),
            Brotli => Decompress(plain, HeaderLength),
            _ => throw new SessionDataException("unknown compression."),
        };
        return (id!, SessionEnvelope.Deserialize(envelope));
    }

    private int ChunkCount(int length) => Math.Max(1, (length + _options.ChunkSize - 1) / _options.ChunkSize);

    private static bool BelongsToSession(string name, string baseName)
    {
        if (!name.StartsWith(baseName, StringComparison.Ordinal))
        {
            return false;
        }

        if (name.Length == baseName.Length)
        {
            return true;
        }

        var rest = name.AsSpan(baseName.Length);
        return rest.Length >= 2 && rest[0] == 'C' && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    private static byte[] Compress(byte[] envelope)
    {
        using var output = new MemoryStream(envelope.Length / 2);
        using (var brotli = new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            brotli.Write(envelope);
        }

        return output.ToArray();
    }

    private ReadOnlyMemory<byte> Decompress(byte[] payload, int offset)
    {
        try
        {
            using var input = new MemoryStream(payload, offset, payload.Length - offset, writable: false);
            using var brotli = new BrotliStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = brotli.Read(buffer)) > 0)
            {
                if (output.Length + read > _maxEnvelopeBytes)
                {
                    throw new SessionDataException($"the payload decompresses to more than {_maxEnvelopeBytes} bytes.");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new SessionDataException("the payload does not decompress.", ex);
        }
    }
}
