using System.Text;
using CsCheck;
using TypedSessions.Storage;

namespace TypedSessions.Tests.HostileInput;

/// <summary>Generators of session records and envelopes for the property tests.</summary>
internal static class EnvelopeGen
{
    public static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    public static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    // Well-formed UTF-16 (what a UTF-8 round trip preserves): ASCII, other BMP letters and
    // symbols, and supplementary characters as proper surrogate pairs.
    private static readonly Gen<string> Text = Gen.Frequency(
        (6, Gen.Char['\u0020', '\u007e'].Select(c => c.ToString())),
        (2, Gen.Char['\u00a0', '\ud7ff'].Select(c => c.ToString())),
        (1, Gen.Int[0x10000, 0x10ffff].Select(char.ConvertFromUtf32)),
        (1, Gen.Char['\u0000', '\u001f'].Select(c => c.ToString())))
        .Array[0, 24].Select(parts => string.Concat(parts));

    private static readonly Gen<DateTimeOffset> Instant = Gen.Frequency(
        (8, Gen.Long[1_600_000_000_000L, 2_000_000_000_000L]),
        (1, Gen.Long[MinUnixMs, MaxUnixMs]),
        (1, Gen.OneOf(MinUnixMs, MaxUnixMs, 0L, -1L)))
        .Select(DateTimeOffset.FromUnixTimeMilliseconds);

    private static readonly Gen<TimeSpan?> Idle = Gen.Frequency(
        (6, Gen.Long[1, 86_400_000L]),
        (1, Gen.Long[1, (long)TimeSpan.MaxValue.TotalMilliseconds]))
        .Select(ms => TimeSpan.FromMilliseconds(ms))
        .Nullable(0.25);

    private static readonly Gen<byte[]> Value = Gen.Frequency(
        (6, Gen.Byte.Array[0, 64]),
        (1, Gen.Byte.Array[0, 4096]));

    public static readonly Gen<Dictionary<string, byte[]>> Values =
        Text.Where(k => Encoding.UTF8.GetByteCount(k) <= SessionEnvelopeLimits.Default.MaxKeyBytes)
            .Dictionary(Value)[0, 12]
            .Select(d => new Dictionary<string, byte[]>(d, StringComparer.Ordinal));

    public static readonly Gen<SessionRecord> Record = Gen.Select(
        Values,
        Instant,
        Instant,
        Instant.Nullable(0.3),
        Idle,
        Gen.Enum<SessionExpiryMode>(),
        Gen.Frequency((4, Gen.Long[1, 1000]), (1, Gen.Long)),
        Text.Null(0.5),
        (values, created, expires, absolute, idle, mode, version, userKey) =>
            new SessionRecord(values, created, new SessionLifetime(mode, expires, absolute, idle), version, userKey));

    public static readonly Gen<byte[]> Envelope = Record.Select(SessionEnvelope.Serialize);

    /// <summary>Records the same after a round trip: metadata equal, same keys, byte-equal values.</summary>
    public static void AssertSame(SessionRecord expected, SessionRecord actual)
    {
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Lifetime, actual.Lifetime);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.UserKey, actual.UserKey);
        Assert.Equal(expected.Values.Keys.Order(StringComparer.Ordinal), actual.Values.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected.Values)
        {
            Assert.Equal(value, actual.Values[key]);
        }
    }
}
