using System.Buffers;
using CsCheck;
using MessagePack;
using TypedSessions.Storage;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// Length prefixes that claim huge sizes (map, array, str, bin and ext headers with counts up to
/// int.MaxValue) followed by a few bytes: the decoder rejects them with SessionDataException before
/// allocating anything like the claimed size. Allocation is measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around the decode.
/// </summary>
public sealed class HugeLengthPrefixTests
{
    // Generous: an exception with its message and stack trace, the reader, a small dictionary.
    private const long AllocationBudget = 64 * 1024;

    private enum Where
    {
        TopArray,
        ValuesMap,
        UserKeyString,
        KeyString,
        ValueBinary,
        ValueString,
        ValueExtension,
        ValueArray,
        ValueMap,
    }

    private enum Width
    {
        Bits8,
        Bits16,
        Bits32,
    }

    [Fact]
    public void Huge_claimed_sizes_are_rejected_without_allocating_them()
    {
        // Warm up the decoder's code paths once, so JIT and type loading are not measured.
        foreach (var where in Enum.GetValues<Where>())
        {
            Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(Craft(where, Width.Bits32, int.MaxValue, [1, 2, 3])));
        }

        Gen.Select(Gen.Enum<Where>(), Gen.Frequency((1, Gen.Int[1 << 20, int.MaxValue]), (1, Gen.OneOf(int.MaxValue, 1 << 30, 1 << 24))), Gen.Byte.Array[0, 32])
            .Sample((where, claimed, tail) =>
            {
                var bytes = Craft(where, Width.Bits32, claimed, tail);

                var before = GC.GetAllocatedBytesForCurrentThread();
                var ex = Record.Exception(() => SessionEnvelope.Deserialize(bytes));
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

                Assert.IsType<SessionDataException>(ex);
                Assert.True(allocated < AllocationBudget, $"{where} claiming {claimed}: allocated {allocated} bytes decoding {bytes.Length} bytes.");
                Assert.True(allocated < claimed / 16, $"{where} claiming {claimed}: allocated {allocated} bytes.");
            }, iter: 5_000, threads: 1);
    }

    [Fact]
    public void Sizes_claimed_with_narrow_headers_beyond_the_input_are_rejected()
    {
        Gen.Select(Gen.Enum<Where>(), Gen.Enum<Width>(), Gen.Int[64, ushort.MaxValue], Gen.Byte.Array[0, 8])
            .Select((where, width, claimed, tail) => (where, width, claimed: width == Width.Bits8 ? (claimed % 192) + 64 : claimed, tail))
            .Sample(t =>
            {
                var bytes = Craft(t.where, t.width, t.claimed, t.tail);
                Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(bytes));
            }, iter: 5_000);
    }

    [Fact]
    public void A_values_map_claiming_more_keys_than_the_limit_is_rejected_by_the_limit()
    {
        var bytes = Craft(Where.ValuesMap, Width.Bits32, SessionEnvelopeLimits.Default.MaxKeys + 1, new byte[25_000]);
        var ex = Assert.Throws<SessionDataException>(() => SessionEnvelope.Deserialize(bytes));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    // A valid envelope up to the place named by `where`, where a header claims `claimed` units
    // (elements, entries or bytes) and only `tail` follows.
    private static byte[] Craft(Where where, Width width, int claimed, byte[] tail)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        if (where == Where.TopArray)
        {
            Header(ref w, width, 0x90, 0xdc, 0xdd, claimed);
            w.Flush();
            buffer.Write(tail);
            return buffer.WrittenSpan.ToArray();
        }

        w.WriteArrayHeader(9);
        w.Write(1);
        w.Write(1_795_000_000_000L);
        w.Write(1_795_000_600_000L);
        w.WriteNil();
        w.Write(600_000L);
        w.Write(0);
        w.Write(1L);
        if (where == Where.UserKeyString)
        {
            Header(ref w, width, 0xa0, 0xda, 0xdb, claimed, fixMax: 31, bits8Code: 0xd9);
            w.Flush();
            buffer.Write(tail);
            return buffer.WrittenSpan.ToArray();
        }

        w.WriteNil();
        if (where == Where.ValuesMap)
        {
            Header(ref w, width, 0x80, 0xde, 0xdf, claimed);
            w.Flush();
            buffer.Write(tail);
            return buffer.WrittenSpan.ToArray();
        }

        w.WriteMapHeader(1);
        if (where == Where.KeyString)
        {
            Header(ref w, width, 0xa0, 0xda, 0xdb, claimed, fixMax: 31, bits8Code: 0xd9);
        }
        else
        {
            w.Write("key");
            switch (where)
            {
                case Where.ValueBinary:
                    RawHeader(ref w, width switch { Width.Bits8 => 0xc4, Width.Bits16 => 0xc5, _ => 0xc6 }, width, claimed);
                    break;
                case Where.ValueString:
                    Header(ref w, width, 0xa0, 0xda, 0xdb, claimed, fixMax: 31, bits8Code: 0xd9);
                    break;
                case Where.ValueExtension:
                    RawHeader(ref w, width switch { Width.Bits8 => 0xc7, Width.Bits16 => 0xc8, _ => 0xc9 }, width, claimed);
                    w.WriteRaw(new byte[] { 0x05 });
                    break;
                case Where.ValueArray:
                    Header(ref w, width, 0x90, 0xdc, 0xdd, claimed);
                    break;
                case Where.ValueMap:
                    Header(ref w, width, 0x80, 0xde, 0xdf, claimed);
                    break;
            }
        }

        w.Flush();
        buffer.Write(tail);
        return buffer.WrittenSpan.ToArray();
    }

    // Array/map/str header: 8-bit width uses the fix form for small counts (or str8), 16 and 32 the wide forms.
    private static void Header(ref MessagePackWriter w, Width width, byte fixCode, byte code16, byte code32, int claimed, int fixMax = 15, byte? bits8Code = null)
    {
        switch (width)
        {
            case Width.Bits8 when bits8Code is { } c8:
                w.WriteRaw(new byte[] { c8, (byte)Math.Min(claimed, 255) });
                break;
            case Width.Bits8:
                w.WriteRaw(new byte[] { (byte)(fixCode | Math.Min(claimed, fixMax)) });
                break;
            case Width.Bits16:
                RawHeader(ref w, code16, Width.Bits16, claimed);
                break;
            default:
                RawHeader(ref w, code32, Width.Bits32, claimed);
                break;
        }
    }

    private static void RawHeader(ref MessagePackWriter w, byte code, Width width, int claimed)
    {
        switch (width)
        {
            case Width.Bits8:
                w.WriteRaw(new byte[] { code, (byte)Math.Min(claimed, 255) });
                break;
            case Width.Bits16:
                w.WriteRaw(new byte[] { code, (byte)(Math.Min(claimed, 65535) >> 8), (byte)Math.Min(claimed, 65535) });
                break;
            default:
                w.WriteRaw(new byte[] { code, (byte)(claimed >> 24), (byte)(claimed >> 16), (byte)(claimed >> 8), (byte)claimed });
                break;
        }
    }
}
