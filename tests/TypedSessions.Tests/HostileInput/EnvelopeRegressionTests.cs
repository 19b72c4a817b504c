using TypedSessions.Storage;

namespace TypedSessions.Tests.HostileInput;

/// <summary>Inputs the property tests and the fuzzer found, pinned.</summary>
public sealed class EnvelopeRegressionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(508_597_919_522_921L)] // found by Every_generated_record_round_trips: came back 1 ms shorter
    [InlineData(922_337_203_685_477L)] // the largest idle timeout the format allows
    [InlineData(1L)]
    public void A_long_idle_timeout_survives_the_round_trip_to_the_millisecond(long idleMs)
    {
        var idle = TimeSpan.FromMilliseconds(idleMs);
        var record = new SessionRecord(null, T0, new SessionLifetime(SessionExpiryMode.Relative, T0.AddHours(1), null, idle));

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record));

        Assert.Equal(idle, decoded.Lifetime.IdleTimeout);
    }

    [Fact]
    public void A_sub_millisecond_idle_timeout_is_stored_as_one_millisecond_not_as_a_corrupt_zero()
    {
        var record = new SessionRecord(null, T0, new SessionLifetime(SessionExpiryMode.Relative, T0.AddHours(1), null, TimeSpan.FromTicks(10)));

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record));

        Assert.Equal(TimeSpan.FromMilliseconds(1), decoded.Lifetime.IdleTimeout);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { 0x61, 0xc3 })] // truncated two-byte sequence
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })] // an encoded surrogate
    public void A_key_or_user_key_that_is_not_valid_utf8_is_rejected_not_replaced(byte[] invalid)
    {
        foreach (var userKey in new[] { true, false })
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            var w = new MessagePack.MessagePackWriter(buffer);
            w.WriteArrayHeader(9);
            w.Write(1);
            w.Write(T0.ToUnixTimeMilliseconds());
            w.Write(T0.AddMinutes(20).ToUnixTimeMilliseconds());
            w.WriteNil();
            w.Write(1_200_000L);
            w.Write(0);
            w.Write(1L);
            if (userKey)
            {
                w.WriteString(invalid);
                w.WriteMapHeader(0);
            }
            else
            {
                w.WriteNil();
                w.WriteMapHeader(1);
                w.WriteString(invalid);
                w.Write(new byte[] { 1 });
            }

            w.Flush();

            var ex = Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(buffer.WrittenMemory));
            Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
        }
    }
}
