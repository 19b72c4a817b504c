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
}
