using System.Buffers;
using CsCheck;
using MessagePack;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// Generates byte strings made of MessagePack tokens of random types (each token well formed on its
/// own, headers with counts that may lie), so the decoder sees type confusion rather than noise.
/// </summary>
internal static class MessagePackTokens
{
    private static readonly Gen<Action<IBufferWriter<byte>>> Token = Gen.OneOf(
        Gen.Const(W((ref MessagePackWriter w) => w.WriteNil())),
        Gen.Bool.Select(b => W((ref MessagePackWriter w) => w.Write(b))),
        Gen.Int.Select(i => W((ref MessagePackWriter w) => w.Write(i))),
        Gen.Long.Select(l => W((ref MessagePackWriter w) => w.Write(l))),
        Gen.ULong.Select(u => W((ref MessagePackWriter w) => w.Write(u))),
        Gen.Double.Select(d => W((ref MessagePackWriter w) => w.Write(d))),
        Gen.String.Select(s => W((ref MessagePackWriter w) => w.Write(s))),
        Gen.Byte.Array[0, 32].Select(b => W((ref MessagePackWriter w) => w.Write(b))),
        Gen.Int[0, 20].Select(n => W((ref MessagePackWriter w) => w.WriteArrayHeader(n))),
        Gen.Int[0, 20].Select(n => W((ref MessagePackWriter w) => w.WriteMapHeader(n))),
        Gen.Int[0, int.MaxValue].Select(n => W((ref MessagePackWriter w) => w.WriteArrayHeader(n))),
        Gen.Int[0, int.MaxValue].Select(n => W((ref MessagePackWriter w) => w.WriteMapHeader(n))),
        Gen.Select(Gen.SByte, Gen.Byte.Array[0, 16]).Select((t, d) => W((ref MessagePackWriter w) => w.WriteExtensionFormat(new ExtensionResult(t, d)))),
        Gen.Int[-1, 10].Select(mode => W((ref MessagePackWriter w) => w.Write(mode))),
        Gen.Const(W((ref MessagePackWriter w) => w.Write(1))));

    /// <summary>An array header of 9 (sometimes another count) and 1 to 14 random tokens.</summary>
    public static readonly Gen<byte[]> Envelope = Gen.Select(
        Gen.Frequency((5, Gen.Const(9)), (1, Gen.Int[0, 12])),
        Token.Array[1, 14])
        .Select((count, tokens) =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            W((ref MessagePackWriter w) => w.WriteArrayHeader(count))(buffer);
            foreach (var token in tokens)
            {
                token(buffer);
            }

            return buffer.WrittenSpan.ToArray();
        });

    private delegate void Write(ref MessagePackWriter writer);

    private static Action<IBufferWriter<byte>> W(Write write) => buffer =>
    {
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
    };
}
