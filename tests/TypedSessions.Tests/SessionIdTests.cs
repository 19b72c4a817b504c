using System.Buffers.Text;
using System.Security.Cryptography;
using TypedSessions.Ids;

namespace TypedSessions.Tests;

public class SessionIdTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    [Fact]
    public void New_id_is_43_base64url_characters_encoding_32_bytes()
    {
        var id = SessionId.New();

        Assert.Equal(SessionId.EncodedLength, id.Value.Length);
        Assert.Equal(43, id.Value.Length);
        Assert.All(id.Value, c => Assert.Contains(c, Alphabet));
        Assert.Equal(32, Base64Url.DecodeFromChars(id.Value).Length);
    }

    [Fact]
    public void StoreKey_is_lowercase_hex_sha256_of_the_raw_bytes()
    {
        for (var i = 0; i < 20; i++)
        {
            var id = SessionId.New();
            var expected = Convert.ToHexStringLower(SHA256.HashData(Base64Url.DecodeFromChars(id.Value)));

            Assert.Equal(expected, id.StoreKey);
            Assert.Equal(64, id.StoreKey.Length);
            Assert.All(id.StoreKey, c => Assert.True(char.IsAsciiHexDigitLower(c), $"'{c}' is not lowercase hex"));
        }
    }

    [Fact]
    public void StoreKey_of_a_known_id_matches_an_independent_hash()
    {
        // 32 bytes 0x00..0x1f, encoded by hand.
        var raw = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        const string value = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

        Assert.True(SessionId.TryParse(value, out var id));
        Assert.Equal(value, id!.Value);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(raw)), id.StoreKey);
        Assert.Equal("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd", id.StoreKey);
    }

    [Fact]
    public void LogId_is_a_12_character_prefix_of_the_store_key_and_never_the_raw_id()
    {
        for (var i = 0; i < 200; i++)
        {
            var id = SessionId.New();

            Assert.Equal(12, id.LogId.Length);
            Assert.Equal(id.StoreKey[..12], id.LogId);
            Assert.Equal(id.LogId, id.ToString());
            Assert.DoesNotContain(id.Value, id.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(id.Value[..12], id.LogId, StringComparison.Ordinal);
            Assert.False(id.StoreKey.Contains(id.Value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TryParse_accepts_a_generated_id_and_gives_the_same_keys()
    {
        var id = SessionId.New();

        Assert.True(SessionId.TryParse(id.Value, out var parsed));
        Assert.NotNull(parsed);
        Assert.Equal(id.Value, parsed.Value);
        Assert.Equal(id.StoreKey, parsed.StoreKey);
        Assert.Equal(id.LogId, parsed.LogId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void TryParse_rejects_null_and_empty(string? value)
    {
        Assert.False(SessionId.TryParse(value, out var id));
        Assert.Null(id);
    }

    [Fact]
    public void TryParse_rejects_wrong_lengths()
    {
        var value = SessionId.New().Value;
        foreach (var candidate in new[]
        {
            value[..42],
            value + "A",
            value + value,
            value[..40], // decodes to exactly 30 bytes
            Base64Url.EncodeToString(new byte[31]),
            Base64Url.EncodeToString(new byte[33]),
            Base64Url.EncodeToString(new byte[48]),
        })
        {
            Assert.False(SessionId.TryParse(candidate, out var id), candidate);
            Assert.Null(id);
        }
    }

    [Fact]
    public void TryParse_rejects_padding()
    {
        var value = SessionId.New().Value;

        Assert.False(SessionId.TryParse(value + "=", out _));
        Assert.False(SessionId.TryParse(value[..42] + "=", out _));
        Assert.False(SessionId.TryParse(value[..41] + "==", out _));
        Assert.False(SessionId.TryParse(Convert.ToBase64String(Base64Url.DecodeFromChars(value)), out _));
    }

    [Theory]
    [InlineData('+')]
    [InlineData('/')]
    [InlineData('=')]
    [InlineData('.')]
    [InlineData('*')]
    [InlineData(' ')]
    [InlineData('\t')]
    [InlineData('\n')]
    [InlineData('\0')]
    [InlineData('%')]
    [InlineData('é')]
    [InlineData('Ａ')] // full-width A
    [InlineData('٣')] // Arabic-Indic digit three
    public void TryParse_rejects_a_character_outside_the_alphabet_at_any_position(char bad)
    {
        var value = SessionId.New().Value;
        foreach (var position in new[] { 0, 1, 20, 41, 42 })
        {
            var chars = value.ToCharArray();
            chars[position] = bad;
            Assert.False(SessionId.TryParse(new string(chars), out var id), $"position {position}");
            Assert.Null(id);
        }
    }

    [Fact]
    public void TryParse_rejects_a_non_ascii_surrogate_pair()
    {
        var value = SessionId.New().Value;

        Assert.False(SessionId.TryParse(value[..41] + "😀", out _));
    }

    [Fact]
    public void TryParse_rejects_every_non_canonical_last_character()
    {
        // The last of 43 characters carries 4 data bits and 2 bits that must be zero.
        var value = SessionId.New().Value;
        var lastIndex = Alphabet.IndexOf(value[42], StringComparison.Ordinal);
        Assert.Equal(0, lastIndex & 3);

        var accepted = 0;
        foreach (var c in Alphabet)
        {
            var candidate = value[..42] + c;
            var ok = SessionId.TryParse(candidate, out var id);
            var canonical = (Alphabet.IndexOf(c, StringComparison.Ordinal) & 3) == 0;
            Assert.Equal(canonical, ok);
            if (ok)
            {
                accepted++;
                Assert.Equal(candidate, id!.Value);
            }
        }

        Assert.Equal(16, accepted);
    }

    [Fact]
    public void Parsed_ids_that_differ_only_in_case_are_different_ids()
    {
        var value = "A" + SessionId.New().Value[1..];
        var other = "a" + value[1..];

        Assert.True(SessionId.TryParse(value, out var a));
        Assert.True(SessionId.TryParse(other, out var b));
        Assert.NotEqual(a!.StoreKey, b!.StoreKey);
    }

    [Fact]
    public void Hundred_thousand_new_ids_are_unique_and_use_the_whole_alphabet_evenly()
    {
        const int count = 100_000;
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        var storeKeys = new HashSet<string>(count, StringComparer.Ordinal);
        var histogram = new long[128];
        var lastChars = new HashSet<char>();
        for (var i = 0; i < count; i++)
        {
            var id = SessionId.New();
            Assert.True(seen.Add(id.Value));
            Assert.True(storeKeys.Add(id.StoreKey));
            var value = id.Value;

            // The first 42 characters carry 6 random bits each; the 43rd only 4.
            for (var j = 0; j < 42; j++)
            {
                histogram[value[j]]++;
            }

            lastChars.Add(value[42]);
        }

        var expected = count * 42 / 64.0;
        double chiSquare = 0;
        foreach (var c in Alphabet)
        {
            var observed = histogram[c];
            Assert.InRange(observed, expected * 0.95, expected * 1.05);
            chiSquare += (observed - expected) * (observed - expected) / expected;
        }

        Assert.Equal(count * 42L, Alphabet.Sum(c => histogram[c]));

        // 63 degrees of freedom: mean 63, standard deviation about 11. 250 is far out in the tail
        // for a uniform source and far below what a stuck or biased bit gives.
        Assert.True(chiSquare < 250, $"chi-square {chiSquare:F1} over 63 degrees of freedom");
        Assert.Equal(16, lastChars.Count);
        Assert.All(lastChars, c => Assert.Equal(0, Alphabet.IndexOf(c, StringComparison.Ordinal) & 3));
    }
}
