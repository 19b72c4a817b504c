using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Fuzzing;

/// <summary>
/// The fuzz targets. Each returns normally for input the code handles as documented and throws
/// (which AFL++ records as a crash) for anything else: an exception other than the documented one,
/// or a broken invariant (<see cref="InvariantViolatedException"/>).
/// </summary>
internal static class Targets
{
    // Small caps so the fuzzer reaches the limit checks with small inputs.
    private static readonly SessionEnvelopeLimits Tight = new() { MaxEnvelopeBytes = 4096, MaxKeys = 16, MaxKeyBytes = 32, MaxUserKeyBytes = 32 };

    /// <summary>
    /// The envelope decoder: only <see cref="SessionDataException"/> may escape; what decodes
    /// re-encodes to an envelope that decodes to the same record.
    /// </summary>
    public static void Envelope(byte[] input)
    {
        foreach (var limits in new[] { SessionEnvelopeLimits.Default, Tight })
        {
            SessionRecord record;
            try
            {
                record = SessionEnvelope.Deserialize(input, limits);
            }
            catch (SessionDataException)
            {
                continue;
            }

            if (record.Values.Count > limits.MaxKeys)
            {
                throw new InvariantViolatedException($"decoded {record.Values.Count} keys over the limit {limits.MaxKeys}");
            }

            foreach (var key in record.Values.Keys)
            {
                if (Encoding.UTF8.GetByteCount(key) > limits.MaxKeyBytes)
                {
                    throw new InvariantViolatedException("decoded a key over the key limit");
                }
            }

            var again = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record), limits);
            if (!Same(record, again))
            {
                throw new InvariantViolatedException("a decoded record does not survive a re-encode");
            }
        }
    }

    /// <summary>
    /// The cookie parser: never throws; accepts only the canonical 43-character base64url form of
    /// 32 bytes, and then the store key is the SHA-256 of those bytes.
    /// </summary>
    public static void Cookie(byte[] input)
    {
        // Both decodings a server could hand over: UTF-8 (with replacement) and Latin-1 (byte per char).
        foreach (var value in new[] { Encoding.UTF8.GetString(input), Encoding.Latin1.GetString(input) })
        {
            if (!SessionId.TryParse(value, out var id))
            {
                if (id is not null)
                {
                    throw new InvariantViolatedException("TryParse returned false with an id");
                }

                continue;
            }

            if (id is null || value.Length != SessionId.EncodedLength || id.Value != value)
            {
                throw new InvariantViolatedException("TryParse accepted a value of the wrong shape");
            }

            foreach (var c in value)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    throw new InvariantViolatedException("TryParse accepted a character outside base64url");
                }
            }

            var bytes = Base64Url.DecodeFromChars(value);
            if (bytes.Length != SessionId.ByteLength || Base64Url.EncodeToString(bytes) != value)
            {
                throw new InvariantViolatedException("TryParse accepted a non-canonical encoding");
            }

            if (id.StoreKey != Convert.ToHexStringLower(SHA256.HashData(bytes)) || id.LogId != id.StoreKey[..12])
            {
                throw new InvariantViolatedException("the store key is not the SHA-256 of the id bytes");
            }
        }
    }

    internal static bool Same(SessionRecord a, SessionRecord b)
        => a.CreatedAt == b.CreatedAt
            && a.Lifetime == b.Lifetime
            && a.Version == b.Version
            && a.UserKey == b.UserKey
            && a.Values.Count == b.Values.Count
            && a.Values.All(kv => b.Values.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));
}

/// <summary>A target's invariant does not hold: a bug, reported to AFL++ as a crash.</summary>
internal sealed class InvariantViolatedException(string message) : Exception(message);
