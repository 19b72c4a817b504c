using CsCheck;
using TypedSessions.Storage;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// The envelope codec against generated records and hostile bytes: every record round-trips, and
/// the decoder raises nothing but <see cref="SessionDataException"/>.
/// </summary>
public sealed class EnvelopePropertyTests
{
    [Fact]
    public void Every_generated_record_round_trips()
    {
        EnvelopeGen.Record.Sample(record =>
        {
            var bytes = SessionEnvelope.Serialize(record);
            var decoded = SessionEnvelope.Deserialize(bytes);

            EnvelopeGen.AssertSame(record, decoded);
            Assert.Equal(bytes, SessionEnvelope.Serialize(decoded));
        }, iter: 5_000);
    }

    [Fact]
    public void Arbitrary_bytes_raise_nothing_but_SessionDataException()
    {
        Gen.Frequency((4, Gen.Byte.Array[0, 64]), (1, Gen.Byte.Array[0, 2048])).Sample(DecodesOrRejects, iter: 50_000);
    }

    [Fact]
    public void Bytes_that_start_like_an_envelope_raise_nothing_but_SessionDataException()
    {
        // A valid header (array of 9, format 1) followed by random bytes gets past the first checks.
        Gen.Byte.Array[0, 256].Select(tail => (byte[])[0x99, 0x01, .. tail]).Sample(DecodesOrRejects, iter: 50_000);
    }

    [Fact]
    public void Sequences_of_random_MessagePack_tokens_raise_nothing_but_SessionDataException()
    {
        MessagePackTokens.Envelope.Sample(DecodesOrRejects, iter: 30_000);
    }

    [Fact]
    public void Bit_flipped_envelopes_raise_nothing_but_SessionDataException()
    {
        Gen.Select(EnvelopeGen.Envelope, Gen.Int[0, int.MaxValue], Gen.Int[0, 7])
            .Select((bytes, at, bit) =>
            {
                var copy = bytes.ToArray();
                copy[at % copy.Length] ^= (byte)(1 << bit);
                return copy;
            })
            .Sample(DecodesOrRejects, iter: 20_000);
    }

    [Fact]
    public void Truncated_envelopes_are_rejected_with_SessionDataException()
    {
        Gen.Select(EnvelopeGen.Envelope, Gen.Int[0, int.MaxValue])
            .Sample((bytes, cut) =>
            {
                var truncated = bytes.AsMemory(0, cut % bytes.Length);
                Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(truncated));
            }, iter: 20_000);
    }

    [Fact]
    public void Envelopes_with_inserted_bytes_raise_nothing_but_SessionDataException()
    {
        Gen.Select(EnvelopeGen.Envelope, Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 16])
            .Select((bytes, at, insert) =>
            {
                var i = at % (bytes.Length + 1);
                return (byte[])[.. bytes.AsSpan(0, i), .. insert, .. bytes.AsSpan(i)];
            })
            .Sample(DecodesOrRejects, iter: 20_000);
    }

    [Fact]
    public void Envelopes_with_bytes_removed_or_overwritten_raise_nothing_but_SessionDataException()
    {
        Gen.Select(EnvelopeGen.Envelope, Gen.Int[0, int.MaxValue], Gen.Int[1, 8], Gen.Byte, Gen.Bool)
            .Select((bytes, at, length, value, remove) =>
            {
                var i = at % bytes.Length;
                var n = Math.Min(length, bytes.Length - i);
                if (remove)
                {
                    return (byte[])[.. bytes.AsSpan(0, i), .. bytes.AsSpan(i + n)];
                }

                var copy = bytes.ToArray();
                copy.AsSpan(i, n).Fill(value);
                return copy;
            })
            .Sample(DecodesOrRejects, iter: 20_000);
    }

    [Fact]
    public void An_envelope_over_the_size_limit_is_rejected_before_parsing()
    {
        EnvelopeGen.Envelope.Where(b => b.Length > 16).Sample(bytes =>
        {
            var limits = new SessionEnvelopeLimits { MaxEnvelopeBytes = bytes.Length - 1 };
            var ex = Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(bytes, limits));
            Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
        }, iter: 1_000);
    }

    [Fact]
    public void Limits_on_keys_and_key_length_hold_for_every_decoded_record()
    {
        var limits = new SessionEnvelopeLimits { MaxKeys = 3, MaxKeyBytes = 8, MaxUserKeyBytes = 8 };
        EnvelopeGen.Record.Sample(record =>
        {
            var bytes = SessionEnvelope.Serialize(record);
            var within = record.Values.Count <= 3
                && record.Values.Keys.All(k => System.Text.Encoding.UTF8.GetByteCount(k) <= 8)
                && (record.UserKey is null || System.Text.Encoding.UTF8.GetByteCount(record.UserKey) <= 8);
            if (within)
            {
                EnvelopeGen.AssertSame(record, SessionEnvelope.Deserialize(bytes, limits));
            }
            else
            {
                Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(bytes, limits));
            }
        }, iter: 5_000);
    }

    // The documented contract: decode, or throw SessionDataException; what decodes re-encodes to the same record.
    internal static void DecodesOrRejects(byte[] bytes)
    {
        SessionRecord record;
        try
        {
            record = SessionEnvelope.Deserialize(bytes);
        }
        catch (SessionDataException)
        {
            return;
        }

        EnvelopeGen.AssertSame(record, SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record)));
    }
}
