using System.Buffers;
using System.Buffers.Text;
using System.Text;
using MessagePack;
using TypedSessions.Storage;

namespace TypedSessions.Fuzzing;

/// <summary>
/// Writes the seed corpus: valid envelopes of every shape, hand-made hostile envelopes (huge length
/// prefixes, wrong types, limits) and valid and invalid cookie values. Deterministic, so
/// re-running it reproduces the committed files.
/// </summary>
internal static class SeedCorpus
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static void Write(string dir)
    {
        var envelopes = Directory.CreateDirectory(Path.Combine(dir, "envelope")).FullName;
        foreach (var (name, bytes) in Envelopes())
        {
            File.WriteAllBytes(Path.Combine(envelopes, name), bytes);
        }

        var cookies = Directory.CreateDirectory(Path.Combine(dir, "cookie")).FullName;
        foreach (var (name, bytes) in Cookies())
        {
            File.WriteAllBytes(Path.Combine(cookies, name), bytes);
        }
    }

    public static IEnumerable<(string Name, byte[] Bytes)> Envelopes()
    {
        var idle = TimeSpan.FromMinutes(20);
        var cap = T0.AddHours(8);
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["name"] = MessagePackSerializer.Serialize("alice"),
            ["uid"] = MessagePackSerializer.Serialize(42),
            ["cart"] = MessagePackSerializer.Serialize(new List<int> { 1, 2, 3 }),
            ["empty"] = [],
        };

        // Valid: one per expiry mode, with and without values, user key, caps.
        yield return ("valid-empty-default", Envelope(new SessionRecord(null, T0, new SessionLifetime(SessionExpiryMode.Default, T0 + idle, cap, idle))));
        yield return ("valid-values-default", Envelope(new SessionRecord(values, T0, new SessionLifetime(SessionExpiryMode.Default, T0 + idle, cap, idle), 7, "user-1")));
        yield return ("valid-relative-no-cap", Envelope(new SessionRecord(values, T0, new SessionLifetime(SessionExpiryMode.Relative, T0.AddSeconds(90), null, TimeSpan.FromSeconds(90)), 2)));
        yield return ("valid-absolute", Envelope(new SessionRecord(values, T0, new SessionLifetime(SessionExpiryMode.Absolute, T0.AddHours(1), T0.AddHours(1), null), 3, "u")));
        yield return ("valid-browser-close", Envelope(new SessionRecord(values, T0, new SessionLifetime(SessionExpiryMode.BrowserClose, T0 + idle, cap, idle))));
        yield return ("valid-unicode-keys", Envelope(new SessionRecord(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["ключ"] = [0xc0], ["🔑"] = [0x01], [string.Empty] = [0x02] },
            T0, new SessionLifetime(SessionExpiryMode.Default, T0 + idle, null, idle), long.MaxValue, "用户")));
        yield return ("valid-extreme-times", Envelope(new SessionRecord(null, DateTimeOffset.FromUnixTimeMilliseconds(-62135596800000),
            new SessionLifetime(SessionExpiryMode.Relative, DateTimeOffset.FromUnixTimeMilliseconds(253402300799999), null, TimeSpan.FromMilliseconds(922337203685477)), long.MinValue)));

        // Hostile: format, element count, types, limits.
        yield return ("bad-empty-input", []);
        yield return ("bad-empty-array", [0x90]);
        yield return ("bad-format-2", Craft(w => { w.WriteArrayHeader(9); w.Write(2); }));
        yield return ("bad-8-elements", Craft(w => { w.WriteArrayHeader(8); w.Write(1); }));
        yield return ("bad-time-out-of-range", Header(w => w.Write(long.MaxValue)));
        yield return ("bad-uint64-time", Header(w => w.Write(ulong.MaxValue)));
        yield return ("bad-negative-idle", Craft(w =>
        {
            w.WriteArrayHeader(9); w.Write(1); w.Write(0L); w.Write(0L); w.WriteNil(); w.Write(-5L);
        }));
        yield return ("bad-unknown-mode", Fields(mode: 9));
        yield return ("bad-nil-key", Fields(map: w => { w.WriteMapHeader(1); w.WriteNil(); w.Write([1]); }));
        yield return ("bad-nil-value", Fields(map: w => { w.WriteMapHeader(1); w.Write("k"); w.WriteNil(); }));
        yield return ("bad-int-key", Fields(map: w => { w.WriteMapHeader(1); w.Write(5); w.Write([1]); }));
        yield return ("bad-duplicate-key", Fields(map: w => { w.WriteMapHeader(2); w.Write("k"); w.Write([1]); w.Write("k"); w.Write([2]); }));
        yield return ("bad-invalid-utf8-key", Fields(map: w => { w.WriteMapHeader(1); w.WriteString([0xff, 0xfe]); w.Write([1]); }));
        yield return ("bad-trailing-byte", [.. Envelope(new SessionRecord(null, T0, new SessionLifetime(SessionExpiryMode.Default, T0 + idle, cap, idle))), 0xc0]);
        yield return ("bad-long-key", Fields(map: w => { w.WriteMapHeader(1); w.Write(new string('k', 2000)); w.Write([1]); }));
        yield return ("bad-long-user-key", Fields(userKey: new string('u', 2000)));

        // Length prefixes that claim huge sizes with almost nothing behind them.
        yield return ("huge-array32", [0xdd, 0x7f, 0xff, 0xff, 0xff, 0x01]);
        yield return ("huge-map32", Fields(map: w => w.WriteMapHeader(int.MaxValue)));
        yield return ("huge-map16", Fields(map: w => w.WriteMapHeader(ushort.MaxValue)));
        yield return ("huge-str32-key", Fields(map: w => { w.WriteMapHeader(1); Raw(w, 0xdb, int.MaxValue); }));
        yield return ("huge-str32-user-key", Fields(userKeyRaw: w => Raw(w, 0xdb, int.MaxValue)));
        yield return ("huge-bin32-value", Fields(map: w => { w.WriteMapHeader(1); w.Write("k"); Raw(w, 0xc6, int.MaxValue); }));
        yield return ("huge-bin32-uint-max", Fields(map: w => { w.WriteMapHeader(1); w.Write("k"); Raw(w, 0xc6, -1); }));
        yield return ("huge-ext32-value", Fields(map: w => { w.WriteMapHeader(1); w.Write("k"); Raw(w, 0xc9, int.MaxValue); }));
    }

    public static IEnumerable<(string Name, byte[] Bytes)> Cookies()
    {
        var zeros = Base64Url.EncodeToString(new byte[32]);
        var ones = Base64Url.EncodeToString(Enumerable.Repeat((byte)0xff, 32).ToArray());
        var ramp = Base64Url.EncodeToString(Enumerable.Range(0, 32).Select(i => (byte)(i * 8)).ToArray());
        yield return ("valid-zeros", Encoding.ASCII.GetBytes(zeros));
        yield return ("valid-ones", Encoding.ASCII.GetBytes(ones));
        yield return ("valid-ramp", Encoding.ASCII.GetBytes(ramp));
        yield return ("bad-non-canonical-last", Encoding.ASCII.GetBytes(zeros[..42] + "B"));
        yield return ("bad-42-chars", Encoding.ASCII.GetBytes(zeros[..42]));
        yield return ("bad-44-chars", Encoding.ASCII.GetBytes(zeros + "A"));
        yield return ("bad-padded", Encoding.ASCII.GetBytes(zeros + "="));
        yield return ("bad-plus-slash", Encoding.ASCII.GetBytes("+/" + zeros[2..]));
        yield return ("bad-space", Encoding.ASCII.GetBytes(" " + zeros[1..]));
        yield return ("bad-nul", Encoding.ASCII.GetBytes("\0" + zeros[1..]));
        yield return ("bad-non-ascii", Encoding.UTF8.GetBytes("é" + zeros[1..]));
        yield return ("bad-fullwidth-digit", Encoding.UTF8.GetBytes("０" + zeros[1..]));
        yield return ("bad-empty", []);
        yield return ("bad-url-encoded", Encoding.ASCII.GetBytes("%41" + zeros[3..]));
        yield return ("bad-long", Encoding.ASCII.GetBytes(new string('A', 4096)));
    }

    private static byte[] Envelope(SessionRecord record) => SessionEnvelope.Serialize(record);

    private static byte[] Craft(Action<MessagePackWriterBox> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var box = new MessagePackWriterBox(buffer);
        write(box);
        return box.Finish();
    }

    // A valid prefix (array of 9, format 1) followed by whatever the caller writes as createdAt.
    private static byte[] Header(Action<MessagePackWriterBox> createdAt) => Craft(w =>
    {
        w.WriteArrayHeader(9);
        w.Write(1);
        createdAt(w);
    });

    // All nine fields; the caller can replace the mode, the user key or the values map.
    private static byte[] Fields(int mode = 0, string? userKey = null, Action<MessagePackWriterBox>? userKeyRaw = null, Action<MessagePackWriterBox>? map = null) => Craft(w =>
    {
        w.WriteArrayHeader(9);
        w.Write(1);
        w.Write(T0.ToUnixTimeMilliseconds());
        w.Write(T0.AddMinutes(20).ToUnixTimeMilliseconds());
        w.WriteNil();
        w.Write(1_200_000L);
        w.Write(mode);
        w.Write(1L);
        if (userKeyRaw is not null)
        {
            userKeyRaw(w);
        }
        else
        {
            w.Write(userKey);
        }

        if (map is not null)
        {
            map(w);
        }
        else
        {
            w.WriteMapHeader(0);
        }
    });

    // A raw 32-bit length header (str32 0xdb, bin32 0xc6, ext32 0xc9 + type) with no payload.
    private static void Raw(MessagePackWriterBox w, byte code, int length)
    {
        w.WriteRaw([code, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        if (code == 0xc9)
        {
            w.WriteRaw([0x01]);
        }
    }
}

/// <summary>MessagePackWriter is a ref struct; this class lets lambdas write through one.</summary>
internal sealed class MessagePackWriterBox(ArrayBufferWriter<byte> buffer)
{
    private readonly List<byte[]> _parts = [];

    public void WriteArrayHeader(int count) => Part((ref MessagePackWriter w) => w.WriteArrayHeader(count));

    public void WriteMapHeader(int count) => Part((ref MessagePackWriter w) => w.WriteMapHeader(count));

    public void Write(int value) => Part((ref MessagePackWriter w) => w.Write(value));

    public void Write(long value) => Part((ref MessagePackWriter w) => w.Write(value));

    public void Write(ulong value) => Part((ref MessagePackWriter w) => w.Write(value));

    public void Write(string? value) => Part((ref MessagePackWriter w) => w.Write(value));

    public void Write(byte[] value) => Part((ref MessagePackWriter w) => w.Write(value));

    public void WriteString(byte[] utf8) => Part((ref MessagePackWriter w) => w.WriteString(utf8));

    public void WriteNil() => Part((ref MessagePackWriter w) => w.WriteNil());

    public void WriteRaw(byte[] bytes) => _parts.Add(bytes);

    public byte[] Finish()
    {
        foreach (var part in _parts)
        {
            buffer.Write(part);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Part(WriteAction write)
    {
        var part = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(part);
        write(ref writer);
        writer.Flush();
        _parts.Add(part.WrittenSpan.ToArray());
    }

    private delegate void WriteAction(ref MessagePackWriter writer);
}
