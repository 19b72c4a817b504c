using TypedSessions.Ids;

namespace TypedSessions.Tests.Security;

/// <summary>
/// OWASP "session ID entropy": ids come from a CSPRNG (32 bytes, 256 bits). These checks cannot
/// prove randomness; they catch the failures that matter in practice (a constant, a counter, a
/// weak or truncated generator, a skewed encoding). SessionIdTests checks that 100,000 ids are
/// unique and use the alphabet evenly over all positions together; here each position on its own,
/// the last character, and every bit (chi-square and binomial bounds, generous).
/// </summary>
public sealed class IdRandomnessTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const int Count = 100_000;

    // Chi-square with 63 degrees of freedom has mean 63 and standard deviation ~11.2; 160 is ~8.7
    // standard deviations out (p < 1e-15), so a fair generator does not fail, a skewed one does.
    private const double Bound63 = 160;

    // 15 degrees of freedom (the last character): mean 15, sd ~5.5; 75 is ~11 sd out.
    private const double Bound15 = 75;

    private static readonly Lazy<string[]> Ids = new(() => Enumerable.Range(0, Count).Select(_ => SessionId.New().Value).ToArray());

    [Fact]
    public void Every_position_uses_the_alphabet_evenly()
    {
        var worst = 0.0;
        var worstPosition = -1;
        for (var position = 0; position < SessionId.EncodedLength - 1; position++)
        {
            var counts = new long[64];
            foreach (var id in Ids.Value)
            {
                counts[Alphabet.IndexOf(id[position], StringComparison.Ordinal)]++;
            }

            var chi = ChiSquare(counts);
            if (chi > worst)
            {
                (worst, worstPosition) = (chi, position);
            }
        }

        Assert.True(worst < Bound63, $"position {worstPosition}: chi-square {worst:F1} over 63 degrees of freedom (bound {Bound63}).");
    }

    [Fact]
    public void The_last_character_uses_its_sixteen_canonical_symbols_evenly()
    {
        // The 43rd character carries the last 4 bits; its 2 low bits are zero.
        var counts = new long[16];
        foreach (var id in Ids.Value)
        {
            var index = Alphabet.IndexOf(id[^1], StringComparison.Ordinal);
            Assert.Equal(0, index % 4);
            counts[index / 4]++;
        }

        var chi = ChiSquare(counts);
        Assert.True(chi < Bound15, $"chi-square {chi:F1} over 15 degrees of freedom (bound {Bound15}).");
    }

    [Fact]
    public void Every_bit_of_the_id_is_set_about_half_the_time()
    {
        // 100,000 draws of a fair bit: sd ~158; 50,000 ± 1,500 is ~9.5 sd.
        var ones = new int[SessionId.ByteLength * 8];
        foreach (var id in Ids.Value)
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(id);
            for (var bit = 0; bit < ones.Length; bit++)
            {
                ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        }

        Assert.All(ones, n => Assert.InRange(n, (Count / 2) - 1_500, (Count / 2) + 1_500));
    }

    private static double ChiSquare(long[] counts)
    {
        var expected = (double)counts.Sum() / counts.Length;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }
}
