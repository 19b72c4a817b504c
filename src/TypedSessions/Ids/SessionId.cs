using System.Buffers.Text;
using System.Security.Cryptography;
using TypedSessions.Storage;

namespace TypedSessions.Ids;

/// <summary>
/// A session id: 32 bytes from a CSPRNG, carried as 43 base64url characters in the cookie. Only its
/// SHA-256 hash (<see cref="StoreKey"/>) reaches a store, and only a prefix of that hash
/// (<see cref="LogId"/>) reaches logs and traces.
/// </summary>
internal sealed class SessionId
{
    public const int ByteLength = 32;
    public const int EncodedLength = 43;

    private SessionId(string? value, string storeKey)
    {
        _value = value;
        StoreKey = storeKey;
    }

    private readonly string? _value;

    /// <summary>The cookie value. Never log it.</summary>
    /// <exception cref="InvalidOperationException">The id is known only by its store key (<see cref="FromStoreKey"/>).</exception>
    public string Value => _value ?? throw new InvalidOperationException("This session was opened by its store key; its id (the cookie value) is not known.");

    /// <summary>Whether the cookie value is known (not an id opened by store key).</summary>
    public bool HasValue => _value is not null;

    /// <summary>SHA-256 of the id bytes, lowercase hex: the key the store sees.</summary>
    public string StoreKey { get; }

    /// <summary>First 12 hex characters of <see cref="StoreKey"/>: enough to correlate, useless to hijack.</summary>
    public string LogId => StoreKey[..12];

    public static SessionId New()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        RandomNumberGenerator.Fill(bytes);
        return new SessionId(Base64Url.EncodeToString(bytes), Hash(bytes));
    }

    /// <summary>Accepts only the canonical encoding of exactly 32 bytes; anything else is not an id.</summary>
    public static bool TryParse(string? value, out SessionId? id)
    {
        id = null;
        if (value is null || value.Length != EncodedLength)
        {
            return false;
        }

        // Base64Url.TryDecodeFromChars throws on characters outside the alphabet and on a last
        // character with non-zero unused bits (and skips whitespace), so such values are rejected here first.
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        if ((SextetOf(value[EncodedLength - 1]) & 0b11) != 0)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[ByteLength + 3];
        if (!Base64Url.TryDecodeFromChars(value, bytes, out var written) || written != ByteLength)
        {
            return false;
        }

        // 43 characters carry 258 bits; a non-canonical last character would give two cookie values for one id.
        Span<char> canonical = stackalloc char[EncodedLength];
        if (!Base64Url.TryEncodeToChars(bytes[..ByteLength], canonical, out _) || !canonical.SequenceEqual(value))
        {
            return false;
        }

        id = new SessionId(value, Hash(bytes[..ByteLength]));
        return true;
    }

    /// <summary>An id known only by its store key (64 lowercase hex characters), as stores, logs and tools show it.</summary>
    /// <exception cref="ArgumentException"><paramref name="storeKey"/> is not a store key.</exception>
    public static SessionId FromStoreKey(string storeKey)
    {
        SessionStoreKey.ThrowIfInvalid(storeKey);
        return new SessionId(null, storeKey);
    }

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        _ => 63,
    };

    private static string Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <inheritdoc/>
    public override string ToString() => LogId;
}
