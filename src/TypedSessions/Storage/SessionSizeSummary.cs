namespace TypedSessions.Storage;

/// <summary>
/// Sizes of a set of sessions in bytes: total, extremes and percentiles. Percentiles interpolate
/// linearly between the two nearest ranks (PostgreSQL's <c>percentile_cont</c>). All zero for no sessions.
/// </summary>
/// <remarks>
/// A session's size is what the store holds for it, measured where that is cheap: the encoded record
/// (<c>docs/wire-format.md</c>) in the SQLite, File and Memory stores; the keys and values (UTF-8 key
/// bytes plus MessagePack value bytes, without metadata) in PostgreSQL and Redis, which store values as
/// columns and hash fields rather than as one record.
/// </remarks>
/// <param name="TotalBytes">The sum of all sizes.</param>
/// <param name="Min">The smallest size.</param>
/// <param name="Median">The 50th percentile.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The largest size.</param>
public readonly record struct SessionSizeSummary(long TotalBytes, long Min, double Median, double P90, double P99, long Max)
{
    /// <summary>Summarizes <paramref name="sizes"/>, sorting them in place.</summary>
    /// <param name="sizes">The sizes; reordered.</param>
    /// <returns>The summary; all zero when <paramref name="sizes"/> is empty.</returns>
    public static SessionSizeSummary FromSizes(Span<long> sizes)
    {
        if (sizes.IsEmpty)
        {
            return default;
        }

        sizes.Sort();
        long total = 0;
        foreach (var size in sizes)
        {
            total += size;
        }

        ReadOnlySpan<long> sorted = sizes;
        return new SessionSizeSummary(total, sorted[0], Percentile(sorted, 0.5), Percentile(sorted, 0.9), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>The <paramref name="fraction"/> percentile of sorted values, interpolated linearly between the nearest ranks.</summary>
    /// <param name="sorted">Values in ascending order; not empty.</param>
    /// <param name="fraction">Between 0 and 1 (0.5 is the median).</param>
    /// <returns>The percentile.</returns>
    public static double Percentile(ReadOnlySpan<long> sorted, double fraction)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
