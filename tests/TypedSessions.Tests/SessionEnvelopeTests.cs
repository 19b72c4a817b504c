using System.Buffers;
using MessagePack;
using TypedSessions.Storage;

namespace TypedSessions.Tests;

public class SessionEnvelopeTests
{
    private static readonly DateTimeOffset Created = new(2025, 3, 4, 5, 6, 7, 891, TimeSpan.Zero);

    [Fact]
    public void A_tombstone_round_trips_as_two_elements_with_its_end_and_nothing_else()
    {
        var end = Created.AddMinutes(1);
        var bytes = SessionEnvelope.Serialize(SessionRecord.Tombstone(Created, end));

        Assert.Equal(new byte[] { 0x92, 0x01 }, bytes[..2]);
        var decoded = SessionEnvelope.Deserialize(bytes);
        Assert.True(decoded.IsTombstone);
        Assert.Equal(end, decoded.Lifetime.ExpiresAt);
        Assert.Empty(decoded.Values);
        Assert.Null(decoded.UserKey);
        Assert.Null(decoded.Lifetime.Touch(Created.AddSeconds(1), 0));
        Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(bytes.Append((byte)0xc0).ToArray()));
        Assert.Throws<InvalidOperationException>(() => decoded.Apply(new SessionChangeSet { Now = Created }));
    }

    [Fact]
    public void Round_trips_values_times_version_and_user_key()
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["name"] = MessagePackSerializer.Serialize("Ada"),
            ["n"] = MessagePackSerializer.Serialize(42),
            ["empty"] = [],
            ["ключ"] = MessagePackSerializer.Serialize(new[] { 1, 2, 3 }),
            ["big"] = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray(),
        };
        var lifetime = new SessionLifetime(SessionExpiryMode.Relative, Created.AddMinutes(20), Created.AddHours(8), TimeSpan.FromMilliseconds(1_200_123));
        var record = new SessionRecord(values, Created, lifetime, version: 17, userKey: "user-7");

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record));

        Assert.Equal(values.Count, decoded.Values.Count);
        foreach (var (key, value) in values)
        {
            Assert.Equal(value, decoded.Values[key]);
        }

        Assert.Equal(Created, decoded.CreatedAt);
        Assert.Equal(lifetime, decoded.Lifetime);
        Assert.Equal(17, decoded.Version);
        Assert.Equal("user-7", decoded.UserKey);
    }

    [Fact]
    public void Round_trips_nulls_and_an_empty_map()
    {
        var lifetime = new SessionLifetime(SessionExpiryMode.Default, Created.AddMinutes(20), null, null);
        var record = new SessionRecord(null, Created, lifetime);

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record));

        Assert.Empty(decoded.Values);
        Assert.Null(decoded.Lifetime.AbsoluteExpiresAt);
        Assert.Null(decoded.Lifetime.IdleTimeout);
        Assert.Null(decoded.UserKey);
        Assert.Equal(1, decoded.Version);
        Assert.Equal(lifetime, decoded.Lifetime);
    }

    [Theory]
    [InlineData(SessionExpiryMode.Default)]
    [InlineData(SessionExpiryMode.Relative)]
    [InlineData(SessionExpiryMode.Absolute)]
    [InlineData(SessionExpiryMode.BrowserClose)]
    public void Round_trips_every_expiry_mode(SessionExpiryMode mode)
    {
        TimeSpan? idle = mode == SessionExpiryMode.Absolute ? null : TimeSpan.FromMinutes(3);
        var lifetime = new SessionLifetime(mode, Created.AddMinutes(3), Created.AddHours(1), idle);

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(new SessionRecord(null, Created, lifetime)));

        Assert.Equal(mode, decoded.Lifetime.Mode);
        Assert.Equal(lifetime, decoded.Lifetime);
    }

    [Fact]
    public void Every_defined_expiry_mode_is_covered_by_the_round_trip_theory()
    {
        Assert.Equal(
            [SessionExpiryMode.Default, SessionExpiryMode.Relative, SessionExpiryMode.Absolute, SessionExpiryMode.BrowserClose],
            Enum.GetValues<SessionExpiryMode>());
    }

    [Fact]
    public void Times_are_kept_to_the_millisecond_and_normalized_to_utc()
    {
        var local = new DateTimeOffset(2025, 3, 4, 7, 6, 7, 891, TimeSpan.FromHours(2)).AddTicks(9_999);
        var lifetime = new SessionLifetime(SessionExpiryMode.Default, local.AddMinutes(1), local.AddHours(1), TimeSpan.FromMinutes(1));

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(new SessionRecord(null, local, lifetime)));

        Assert.Equal(Created, decoded.CreatedAt);
        Assert.Equal(TimeSpan.Zero, decoded.CreatedAt.Offset);
        Assert.Equal(Created.AddMinutes(1), decoded.Lifetime.ExpiresAt);
        Assert.Equal(Created.AddHours(1), decoded.Lifetime.AbsoluteExpiresAt);
    }

    [Theory]
    [InlineData(1)] // 100 ns
    [InlineData(4_999)] // 0.4999 ms
    [InlineData(9_999)] // 0.9999 ms
    public void A_positive_idle_timeout_below_one_millisecond_still_round_trips(long ticks)
    {
        var lifetime = new SessionLifetime(SessionExpiryMode.Relative, Created.AddMinutes(1), null, TimeSpan.FromTicks(ticks));

        var decoded = SessionEnvelope.Deserialize(SessionEnvelope.Serialize(new SessionRecord(null, Created, lifetime)));

        Assert.Equal(TimeSpan.FromMilliseconds(1), decoded.Lifetime.IdleTimeout);
    }

    [Fact]
    public void The_first_element_is_the_format_version()
    {
        var bytes = SessionEnvelope.Serialize(ValidRecord());
        var reader = new MessagePackReader(bytes);

        Assert.Equal(9, reader.ReadArrayHeader());
        Assert.Equal(SessionEnvelope.CurrentFormatVersion, reader.ReadInt32());
        Assert.Equal(1, SessionEnvelope.CurrentFormatVersion);
    }

    [Fact]
    public void Hand_written_envelope_decodes()
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(2);
            w.Write("a");
            w.Write(new byte[] { 1 });
            w.Write("b");
            w.Write(new byte[] { 2, 3 });
        });

        var record = SessionEnvelope.Deserialize(bytes);

        Assert.Equal([1], record.Values["a"]);
        Assert.Equal([2, 3], record.Values["b"]);
        Assert.Equal(SessionExpiryMode.Default, record.Lifetime.Mode);
        Assert.Equal(TimeSpan.FromMinutes(20), record.Lifetime.IdleTimeout);
        Assert.Equal(5, record.Version);
    }

    [Fact]
    public void Serialize_rejects_null()
        => Assert.Throws<ArgumentNullException>(() => SessionEnvelope.Serialize(null!));

    [Fact]
    public void Rejects_empty_input()
        => AssertRejected([]);

    [Fact]
    public void Rejects_an_empty_array()
        => AssertRejected(Envelope((ref MessagePackWriter w) => w.WriteArrayHeader(0)));

    [Fact]
    public void Rejects_a_top_level_value_that_is_not_an_array()
    {
        AssertRejected(Envelope((ref MessagePackWriter w) => w.WriteMapHeader(0)));
        AssertRejected(Envelope((ref MessagePackWriter w) => w.Write(1)));
        AssertRejected(Envelope((ref MessagePackWriter w) => w.WriteNil()));
        AssertRejected([0xc1]); // never used
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Rejects_another_format_version(int format)
    {
        var ex = AssertRejected(Envelope((ref MessagePackWriter w) => WriteHeader(ref w, format: format)));
        Assert.Contains("format", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rejects_a_format_version_that_is_not_an_integer()
        => AssertRejected(Envelope((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(9);
            w.Write("1");
        }));

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(10)]
    public void Rejects_a_wrong_element_count(int count)
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(count);
            w.Write(1);
            for (var i = 1; i < count; i++)
            {
                w.WriteNil();
            }
        });

        var ex = AssertRejected(bytes);
        Assert.Contains($"{count} elements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_valid_envelope_with_an_extra_element()
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w, elementCount: 10);
            w.WriteMapHeader(0);
            w.WriteNil();
        });

        AssertRejected(bytes);
    }

    [Fact]
    public void Rejects_trailing_bytes()
    {
        var valid = SessionEnvelope.Serialize(ValidRecord());
        SessionEnvelope.Deserialize(valid);

        var ex = AssertRejected([.. valid, 0xc0]);
        Assert.Contains("trailing", ex.Message, StringComparison.OrdinalIgnoreCase);
        AssertRejected([.. valid, .. valid]);
    }

    [Fact]
    public void Rejects_a_map_count_larger_than_the_remaining_bytes()
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(5);
            w.Write("a");
            w.Write(new byte[] { 1 });
        });

        AssertRejected(bytes);
    }

    [Fact]
    public void Rejects_a_huge_map_count_without_allocating_for_it()
    {
        var limits = new SessionEnvelopeLimits { MaxKeys = int.MaxValue };
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(int.MaxValue);
        });

        var before = GC.GetAllocatedBytesForCurrentThread();
        AssertRejected(bytes, limits);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the decoder allocated for the claimed key count");
    }

    [Fact]
    public void Rejects_a_map32_count_beyond_int_range()
    {
        var header = Envelope((ref MessagePackWriter w) => WriteHeader(ref w));
        AssertRejected([.. header, 0xdf, 0xff, 0xff, 0xff, 0xff]);
    }

    [Fact]
    public void Rejects_more_keys_than_the_limit()
    {
        var limits = new SessionEnvelopeLimits { MaxKeys = 3 };
        byte[] WithKeys(int n) => Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(n);
            for (var i = 0; i < n; i++)
            {
                w.Write("k" + i);
                w.Write(new byte[] { 0xc0 });
            }
        });

        Assert.Equal(3, SessionEnvelope.Deserialize(WithKeys(3), limits).Values.Count);
        var ex = AssertRejected(WithKeys(4), limits);
        Assert.Contains("4 keys", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_limits_reject_more_than_ten_thousand_keys()
    {
        var values = Enumerable.Range(0, SessionEnvelopeLimits.Default.MaxKeys + 1)
            .ToDictionary(i => "k" + i, _ => new byte[] { 0xc0 }, StringComparer.Ordinal);
        var bytes = SessionEnvelope.Serialize(new SessionRecord(values, Created, ValidRecord().Lifetime));

        AssertRejected(bytes);
        values.Remove("k0");
        Assert.Equal(10_000, SessionEnvelope.Deserialize(SessionEnvelope.Serialize(new SessionRecord(values, Created, ValidRecord().Lifetime))).Values.Count);
    }

    [Fact]
    public void Rejects_a_key_longer_than_the_limit_in_utf8_bytes()
    {
        var limits = new SessionEnvelopeLimits { MaxKeyBytes = 4 };
        byte[] WithKey(string key) => SessionEnvelope.Serialize(new SessionRecord(
            new Dictionary<string, byte[]> { [key] = [0xc0] }, Created, ValidRecord().Lifetime));

        Assert.True(SessionEnvelope.Deserialize(WithKey("abcd"), limits).Values.ContainsKey("abcd"));
        Assert.True(SessionEnvelope.Deserialize(WithKey("éé"), limits).Values.ContainsKey("éé"));
        var ex = AssertRejected(WithKey("abcde"), limits);
        Assert.Contains("5 bytes", ex.Message, StringComparison.Ordinal);
        AssertRejected(WithKey("ééé"), limits); // 3 characters, 6 bytes
        AssertRejected(WithKey(new string('k', 1025)));
    }

    [Fact]
    public void Rejects_a_user_key_longer_than_the_limit()
    {
        var limits = new SessionEnvelopeLimits { MaxUserKeyBytes = 3 };
        byte[] WithUser(string user) => SessionEnvelope.Serialize(new SessionRecord(null, Created, ValidRecord().Lifetime, 1, user));

        Assert.Equal("abc", SessionEnvelope.Deserialize(WithUser("abc"), limits).UserKey);
        AssertRejected(WithUser("abcd"), limits);
    }

    [Fact]
    public void Rejects_an_envelope_larger_than_the_limit()
    {
        var bytes = SessionEnvelope.Serialize(ValidRecord());
        var atLimit = new SessionEnvelopeLimits { MaxEnvelopeBytes = bytes.Length };
        var belowLimit = new SessionEnvelopeLimits { MaxEnvelopeBytes = bytes.Length - 1 };

        SessionEnvelope.Deserialize(bytes, atLimit);
        var ex = AssertRejected(bytes, belowLimit);
        Assert.Contains(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_limit_rejects_an_envelope_over_16_MiB_before_reading_it()
    {
        var bytes = new byte[(16 * 1024 * 1024) + 1]; // zeros: not even a valid header
        var ex = AssertRejected(bytes);
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void Rejects_duplicate_keys()
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(2);
            w.Write("a");
            w.Write(new byte[] { 1 });
            w.Write("a");
            w.Write(new byte[] { 2 });
        });

        var ex = AssertRejected(bytes);
        Assert.Contains("duplicate", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rejects_a_nil_key()
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(1);
            w.WriteNil();
            w.Write(new byte[] { 1 });
        });

        AssertRejected(bytes);
    }

    [Fact]
    public void Rejects_a_key_that_is_not_a_string()
    {
        var bytes = Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(1);
            w.Write(7);
            w.Write(new byte[] { 1 });
        });

        AssertRejected(bytes);
    }

    [Fact]
    public void Rejects_a_nil_or_non_binary_value()
    {
        AssertRejected(Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(1);
            w.Write("a");
            w.WriteNil();
        }));
        AssertRejected(Envelope((ref MessagePackWriter w) =>
        {
            WriteHeader(ref w);
            w.WriteMapHeader(1);
            w.Write("a");
            w.Write(12);
        }));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-1)]
    [InlineData(100)]
    public void Rejects_an_unknown_expiry_mode(int mode)
    {
        var ex = AssertRejected(Envelope((ref MessagePackWriter w) => WriteHeader(ref w, mode: mode)));
        Assert.Contains("expiry mode", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(922_337_203_685_478L)] // one past TimeSpan.MaxValue
    public void Rejects_an_invalid_idle_timeout(long idleMs)
    {
        var ex = AssertRejected(Envelope((ref MessagePackWriter w) => WriteHeader(ref w, idleMs: idleMs)));
        Assert.Contains("idle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_times_outside_the_representable_range()
    {
        AssertRejected(Envelope((ref MessagePackWriter w) => WriteHeader(ref w, createdMs: long.MaxValue)));
        AssertRejected(Envelope((ref MessagePackWriter w) => WriteHeader(ref w, expiresMs: long.MinValue)));
        AssertRejected(Envelope((ref MessagePackWriter w) => WriteHeader(ref w, absoluteMs: long.MaxValue)));
    }

    [Fact]
    public void Rejects_the_envelope_truncated_at_every_byte()
    {
        var bytes = SessionEnvelope.Serialize(ValidRecord());
        Assert.True(bytes.Length > 60);

        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsMemory(0, length);
            var ex = Record.Exception(() => SessionEnvelope.Deserialize(truncated));
            Assert.True(ex is SessionDataException, $"length {length}: {ex?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void Any_single_corrupted_byte_either_decodes_or_throws_SessionDataException()
    {
        var bytes = SessionEnvelope.Serialize(ValidRecord());
        byte[] replacements = [0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc4, 0xc6, 0xca, 0xcb, 0xcf, 0xd3, 0xd9, 0xdb, 0xdd, 0xdf, 0xe0, 0xff];
        var decoded = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var b in replacements)
            {
                var copy = (byte[])bytes.Clone();
                copy[i] = b;
                var ex = Record.Exception(() => SessionEnvelope.Deserialize(copy));
                if (ex is null)
                {
                    decoded++;
                }
                else
                {
                    Assert.True(ex is SessionDataException, $"byte {i} = 0x{b:x2}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        Assert.True(decoded > 0, "some corruptions (inside value bytes) should still decode");
    }

    private static SessionRecord ValidRecord()
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["user"] = MessagePackSerializer.Serialize("ada"),
            ["cart"] = MessagePackSerializer.Serialize(new List<int> { 1, 2, 3 }),
        };
        var lifetime = new SessionLifetime(SessionExpiryMode.Relative, Created.AddMinutes(20), Created.AddHours(8), TimeSpan.FromMinutes(20));
        return new SessionRecord(values, Created, lifetime, 3, "user-1");
    }

    private static SessionDataException AssertRejected(byte[] bytes, SessionEnvelopeLimits? limits = null)
        => Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(bytes, limits));

    private delegate void WriteAction(ref MessagePackWriter writer);

    private static byte[] Envelope(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    // Writes everything before the values map.
    private static void WriteHeader(
        ref MessagePackWriter w,
        int format = 1,
        int elementCount = 9,
        long? createdMs = null,
        long? expiresMs = null,
        long? absoluteMs = null,
        long? idleMs = 1_200_000,
        int mode = 0)
    {
        var created = Created.ToUnixTimeMilliseconds();
        w.WriteArrayHeader(elementCount);
        w.Write(format);
        w.Write(createdMs ?? created);
        w.Write(expiresMs ?? (created + 1_200_000));
        w.Write(absoluteMs ?? (created + 28_800_000));
        if (idleMs is { } idle)
        {
            w.Write(idle);
        }
        else
        {
            w.WriteNil();
        }

        w.Write(mode);
        w.Write(5L);
        w.Write("u");
    }
}
