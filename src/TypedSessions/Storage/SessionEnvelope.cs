using System.Buffers;
using MessagePack;

namespace TypedSessions.Storage;

/// <summary>
/// The versioned binary form of a <see cref="SessionRecord"/> (see <c>docs/wire-format.md</c>):
/// a MessagePack array whose first element is the format version. Stores that keep whole records
/// as bytes use it; custom stores may too.
/// </summary>
public static class SessionEnvelope
{
    /// <summary>The format version this library writes.</summary>
    public const int CurrentFormatVersion = 1;

    private const int ElementCount = 9;

    // A tombstone (SessionRecord.Tombstone) is [format, expiresAt]: readers of format 1 before tombstones existed
    // reject it as malformed, which the pipeline treats as "absent" — the behaviour before tombstones.
    private const int TombstoneElementCount = 2;

    /// <summary>Encodes a record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The envelope bytes.</returns>
    public static byte[] Serialize(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(64 + (int)Math.Min(record.PayloadSize + (record.Values.Count * 8), int.MaxValue / 2));
        var writer = new MessagePackWriter(buffer);
        if (record.IsTombstone)
        {
            writer.WriteArrayHeader(TombstoneElementCount);
            writer.Write(CurrentFormatVersion);
            writer.Write(record.Lifetime.ExpiresAt.ToUnixTimeMilliseconds());
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }

        writer.WriteArrayHeader(ElementCount);
        writer.Write(CurrentFormatVersion);
        writer.Write(record.CreatedAt.ToUnixTimeMilliseconds());
        writer.Write(record.Lifetime.ExpiresAt.ToUnixTimeMilliseconds());
        if (record.Lifetime.AbsoluteExpiresAt is { } absolute)
        {
            writer.Write(absolute.ToUnixTimeMilliseconds());
        }
        else
        {
            writer.WriteNil();
        }

        if (record.Lifetime.IdleTimeout is { } idle)
        {
            // Whole milliseconds from the ticks (TotalMilliseconds is a double and drops the last
            // millisecond of spans over ~28 years), and at least 1 ms: the decoder rejects 0.
            writer.Write(Math.Max(1L, idle.Ticks / TimeSpan.TicksPerMillisecond));
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write((int)record.Lifetime.Mode);
        writer.Write(record.Version);
        writer.Write(record.UserKey);
        writer.WriteMapHeader(record.Values.Count);
        foreach (var (key, value) in record.Values)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes an envelope, enforcing <paramref name="limits"/> before any large allocation.</summary>
    /// <param name="bytes">The envelope bytes.</param>
    /// <param name="limits">Size caps; <see cref="SessionEnvelopeLimits.Default"/> when <see langword="null"/>.</param>
    /// <returns>The record.</returns>
    /// <exception cref="SessionDataException">The bytes are not a valid envelope within the limits.</exception>
    public static SessionRecord Deserialize(ReadOnlyMemory<byte> bytes, SessionEnvelopeLimits? limits = null)
    {
        limits ??= SessionEnvelopeLimits.Default;
        if (bytes.Length > limits.MaxEnvelopeBytes)
        {
            throw new SessionDataException($"Session envelope is {bytes.Length} bytes; the limit is {limits.MaxEnvelopeBytes}.");
        }

        try
        {
            return Read(new MessagePackReader(bytes), limits);
        }
        catch (SessionDataException)
        {
            throw;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException or FormatException)
        {
            throw new SessionDataException("Session envelope is malformed: " + ex.Message, ex);
        }
    }

    private static SessionRecord Read(MessagePackReader reader, SessionEnvelopeLimits limits)
    {
        var count = reader.ReadArrayHeader();
        if (count < 1)
        {
            throw new SessionDataException("Session envelope is empty.");
        }

        var format = reader.ReadInt32();
        if (format != CurrentFormatVersion)
        {
            throw new SessionDataException($"Session envelope format {format} is not supported (this library reads format {CurrentFormatVersion}).");
        }

        if (count == TombstoneElementCount)
        {
            var end = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            if (!reader.End)
            {
                throw new SessionDataException("Session envelope has trailing bytes.");
            }

            return SessionRecord.Tombstone(end, end);
        }

        if (count != ElementCount)
        {
            throw new SessionDataException($"Session envelope has {count} elements; format {format} has {ElementCount}.");
        }

        var decoder = new SessionRecordDecoder(limits);
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        DateTimeOffset? absolute = reader.TryReadNil() ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        long? idleMs = reader.TryReadNil() ? null : reader.ReadInt64();
        var lifetime = SessionRecordDecoder.DecodeLifetime(reader.ReadInt32(), expiresAt, absolute, idleMs);
        var version = reader.ReadInt64();

        // A str's header is read without materialising the string, so its length is checked before it is decoded.
        var userKey = reader.TryReadNil() ? null : decoder.DecodeUserKey(Contiguous(reader.ReadStringSequence()));

        var entries = reader.ReadMapHeader();

        // Each entry takes at least two bytes, so a count larger than what is left is a lie; checked before ExpectKeys allocates for it.
        if (entries > reader.Sequence.Length - reader.Consumed)
        {
            throw new SessionDataException($"Session envelope claims {entries} keys but has only {reader.Sequence.Length - reader.Consumed} bytes left.");
        }

        decoder.ExpectKeys(entries);
        for (var i = 0; i < entries; i++)
        {
            var key = reader.ReadStringSequence() ?? throw new SessionDataException("Session envelope has a nil key.");
            decoder.AddValue(Contiguous(key), reader.ReadBytes()?.ToArray());
        }

        if (!reader.End)
        {
            throw new SessionDataException("Session envelope has trailing bytes.");
        }

        return decoder.ToRecord(createdAt, lifetime, version, userKey);
    }

    // The envelope is decoded from one block of memory, so a str is one segment; the copy is for other sequences.
    private static ReadOnlySpan<byte> Contiguous(ReadOnlySequence<byte>? bytes) => bytes switch
    {
        null => throw new SessionDataException("Session envelope has a nil string."),
        { IsSingleSegment: true } single => single.FirstSpan,
        { } several => several.ToArray(),
    };
}
