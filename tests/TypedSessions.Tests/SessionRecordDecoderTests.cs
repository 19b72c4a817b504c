using System.Text;
using TypedSessions.Storage;

namespace TypedSessions.Tests;

/// <summary>
/// The one validation of stored records (<see cref="SessionRecordDecoder"/>), which the envelope, Redis and PostgreSQL
/// decode through; the envelope's own tests (<c>SessionEnvelopeTests</c>) cover it through the wire format.
/// </summary>
public sealed class SessionRecordDecoderTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly SessionEnvelopeLimits Small = new() { MaxKeys = 2, MaxKeyBytes = 4, MaxUserKeyBytes = 3 };

    [Fact]
    public void Decodes_values_user_key_and_lifetime()
    {
        var decoder = new SessionRecordDecoder(Small);
        decoder.ExpectKeys(2);
        decoder.AddValue("ab"u8, [1]);
        decoder.AddValue("ключ"u8[..4], [2]);
        var user = decoder.DecodeUserKey("bob"u8);
        var lifetime = SessionRecordDecoder.DecodeLifetime(1, T0.AddMinutes(5), T0.AddHours(1), 300_000);

        var record = decoder.ToRecord(T0, lifetime, 7, user);

        Assert.Equal([1], record.Values["ab"]);
        Assert.Equal([2], record.Values["кл"]);
        Assert.Equal("bob", record.UserKey);
        Assert.Equal(new SessionLifetime(SessionExpiryMode.Relative, T0.AddMinutes(5), T0.AddHours(1), TimeSpan.FromMinutes(5)), record.Lifetime);
        Assert.Equal(7, record.Version);
        Assert.Equal(T0, record.CreatedAt);
    }

    [Fact]
    public void Refuses_more_keys_than_the_limit_whether_announced_or_added()
    {
        Assert.Throws<SessionDataException>(() => new SessionRecordDecoder(Small).ExpectKeys(3));

        var decoder = new SessionRecordDecoder(Small);
        decoder.AddValue("a"u8, [1]);
        decoder.AddValue("b"u8, [2]);
        var ex = Assert.Throws<SessionDataException>(() => decoder.AddValue("c"u8, [3]));
        Assert.Contains("more than 2 keys", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_key_or_user_key_over_its_byte_limit_before_decoding_it()
    {
        var decoder = new SessionRecordDecoder(Small);
        decoder.AddValue("abcd"u8, [1]);

        // Five bytes that are not UTF-8 either: the length is what is reported.
        var key = Assert.Throws<SessionDataException>(() => decoder.AddValue([0xff, 0xff, 0xff, 0xff, 0xff], [1]));
        var user = Assert.Throws<SessionDataException>(() => decoder.DecodeUserKey([0xff, 0xff, 0xff, 0xff]));

        Assert.Contains("key of 5 bytes", key.Message, StringComparison.Ordinal);
        Assert.Contains("user key of 4 bytes", user.Message, StringComparison.Ordinal);
    }

    // A store that keeps the user key as text (PostgreSQL) hands it to ToRecord, which measures it.
    [Fact]
    public void Refuses_a_user_key_given_as_text_over_its_byte_limit()
    {
        var decoder = new SessionRecordDecoder(Small);
        var lifetime = SessionRecordDecoder.DecodeLifetime(0, T0.AddMinutes(5), null, null);

        Assert.Equal("abc", decoder.ToRecord(T0, lifetime, 1, "abc").UserKey);
        var ex = Assert.Throws<SessionDataException>(() => new SessionRecordDecoder(Small).ToRecord(T0, lifetime, 1, "ab€"));
        Assert.Contains("user key of 5 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_invalid_utf8_instead_of_replacing_it()
    {
        byte[][] invalid = [[0xc3], [0xed, 0xa0, 0x80], [0x80], [0xc0, 0xaf]];
        foreach (var bytes in invalid)
        {
            Assert.Throws<SessionDataException>(() => new SessionRecordDecoder().AddValue(bytes, [1]));
            Assert.Throws<SessionDataException>(() => new SessionRecordDecoder().DecodeUserKey(bytes));
        }
    }

    [Fact]
    public void Refuses_a_duplicate_key_and_a_missing_value()
    {
        var decoder = new SessionRecordDecoder();
        decoder.AddValue("a"u8, [1]);

        Assert.Contains("duplicate", Assert.Throws<SessionDataException>(() => decoder.AddValue("a"u8, [2])).Message, StringComparison.Ordinal);
        Assert.Throws<SessionDataException>(() => decoder.AddValue("b"u8, null));
    }

    // 2^32 and 2^32 + 2 wrap to Default and Absolute when cast to the enum's int; Redis stores the mode as text.
    [Theory]
    [InlineData(-1L)]
    [InlineData(4L)]
    [InlineData(4_294_967_296L)]
    [InlineData(4_294_967_298L)]
    [InlineData(long.MinValue)]
    public void Refuses_an_unknown_expiry_mode(long mode)
    {
        var ex = Assert.Throws<SessionDataException>(() => SessionRecordDecoder.DecodeLifetime(mode, T0, null, null));
        Assert.Contains("expiry mode", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(922_337_203_685_478L)] // one past TimeSpan.MaxValue
    [InlineData(long.MaxValue)]
    public void Refuses_an_idle_timeout_out_of_range(long idleMs)
    {
        var ex = Assert.Throws<SessionDataException>(() => SessionRecordDecoder.DecodeLifetime(0, T0, null, idleMs));
        Assert.Contains("idle timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_the_extreme_idle_timeouts()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1), SessionRecordDecoder.DecodeLifetime(0, T0, null, 1).IdleTimeout);
        Assert.Equal(
            TimeSpan.FromMilliseconds(922_337_203_685_477L),
            SessionRecordDecoder.DecodeLifetime(0, T0, null, 922_337_203_685_477L).IdleTimeout);
    }

    [Fact]
    public void Keys_are_checked_for_their_stored_form_only_not_for_the_rule_of_keys_being_written()
    {
        var decoder = new SessionRecordDecoder();
        decoder.AddValue(Encoding.UTF8.GetBytes("a\0b"), [1]);
        decoder.AddValue([], [2]);

        var record = decoder.ToRecord(T0, SessionRecordDecoder.DecodeLifetime(0, T0.AddMinutes(1), null, null), 1, null);

        Assert.Equal(["", "a\0b"], record.Values.Keys.Order(StringComparer.Ordinal));
    }
}
