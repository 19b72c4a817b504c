using System.Text;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Tests.HostileInput;

/// <summary>
/// Replays every file of the fuzzing corpus (tests/TypedSessions.Fuzzing/corpus, copied to the test
/// output as FuzzCorpus/): the seeds and whatever the fuzzer found. The decoder raises only
/// <see cref="SessionDataException"/> and the parser never throws. File names say more where they
/// can: <c>valid-*</c> must be accepted, <c>bad-*</c> and <c>huge-*</c> must be rejected.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus");

    public static TheoryData<string> EnvelopeFiles() => Files("envelope");

    public static TheoryData<string> CookieFiles() => Files("cookie");

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(Directory.GetFiles(Path.Combine(Root, "envelope")).Length >= 30);
        Assert.True(Directory.GetFiles(Path.Combine(Root, "cookie")).Length >= 15);
    }

    [Theory]
    [MemberData(nameof(EnvelopeFiles))]
    public void Envelope_corpus_file_decodes_or_raises_only_SessionDataException(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Root, "envelope", name));

        SessionRecord? record = null;
        var ex = Record.Exception(() => record = SessionEnvelope.Deserialize(bytes));

        if (ex is not null)
        {
            Assert.IsType<SessionDataException>(ex);
        }

        if (name.StartsWith("valid-", StringComparison.Ordinal))
        {
            Assert.Null(ex);
        }
        else if (name.StartsWith("bad-", StringComparison.Ordinal) || name.StartsWith("huge-", StringComparison.Ordinal))
        {
            Assert.NotNull(ex);
        }

        if (record is not null)
        {
            EnvelopeGen.AssertSame(record, SessionEnvelope.Deserialize(SessionEnvelope.Serialize(record)));
        }
    }

    [Theory]
    [MemberData(nameof(CookieFiles))]
    public void Cookie_corpus_file_never_throws_and_is_accepted_only_when_canonical(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Root, "cookie", name));

        foreach (var value in new[] { Encoding.UTF8.GetString(bytes), Encoding.Latin1.GetString(bytes) })
        {
            var accepted = SessionId.TryParse(value, out var id);

            if (accepted)
            {
                Assert.Equal(SessionId.EncodedLength, value.Length);
                Assert.Equal(value, System.Buffers.Text.Base64Url.EncodeToString(System.Buffers.Text.Base64Url.DecodeFromChars(value)));
                Assert.Equal(value, id!.Value);
            }

            if (name.StartsWith("valid-", StringComparison.Ordinal))
            {
                Assert.True(accepted);
            }
            else if (name.StartsWith("bad-", StringComparison.Ordinal))
            {
                Assert.False(accepted);
            }
        }
    }

    private static TheoryData<string> Files(string target)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, target)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }
}
