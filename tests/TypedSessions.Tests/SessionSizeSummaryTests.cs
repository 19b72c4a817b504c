using TypedSessions.Storage;

namespace TypedSessions.Tests;

public sealed class SessionSizeSummaryTests
{
    [Fact]
    public void No_sizes_summarize_to_zero()
        => Assert.Equal(default, SessionSizeSummary.FromSizes([]));

    [Fact]
    public void One_size_is_every_percentile()
        => Assert.Equal(new SessionSizeSummary(42, 42, 42, 42, 42, 42), SessionSizeSummary.FromSizes([42]));

    [Fact]
    public void Percentiles_interpolate_between_ranks_like_percentile_cont()
    {
        // 1..100 unsorted: rank position p * 99, so the median is 50.5 and p90 is 90.1 (PostgreSQL gives the same).
        var sizes = Enumerable.Range(1, 100).Select(i => (long)i).Reverse().ToArray();

        var summary = SessionSizeSummary.FromSizes(sizes);

        Assert.Equal(5050, summary.TotalBytes);
        Assert.Equal(1, summary.Min);
        Assert.Equal(100, summary.Max);
        Assert.Equal(50.5, summary.Median, 9);
        Assert.Equal(90.1, summary.P90, 9);
        Assert.Equal(99.01, summary.P99, 9);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), sizes);
    }

    [Fact]
    public void A_fraction_outside_zero_to_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionSizeSummary.Percentile([1, 2], 1.5));
        Assert.Throws<ArgumentException>(() => SessionSizeSummary.Percentile([], 0.5));
    }
}
