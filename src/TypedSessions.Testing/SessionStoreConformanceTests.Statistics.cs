using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

public abstract partial class SessionStoreConformanceTests
{
    // ---- statistics (optional: ISessionStoreStatistics) ------------------------------------------

    /// <summary>
    /// A store with <see cref="ISessionStoreStatistics"/> counts live and expired sessions at the given
    /// instant and summarizes the live ones' sizes: three sessions that differ only in a 10-, 100- and
    /// 200-byte value are 90 and 190 bytes apart whatever the store's size includes, and the percentiles
    /// interpolate between ranks. A user binding's own bookkeeping (e.g. a Redis index key) is not a
    /// session. Stores without statistics pass trivially.
    /// </summary>
    [Fact]
    public async Task Statistics_count_live_and_expired_sessions_and_size_the_live_ones()
    {
        if (Store is not ISessionStoreStatistics statistics)
        {
            return;
        }

        Assert.Equal(new SessionStoreStatistics(0, 0, default), await statistics.GetStatisticsAsync(T0));

        foreach (var length in new[] { 200, 10, 100 })
        {
            Assert.True(await Store.CreateAsync(NewKey(), NewRecord(null, ("data", new byte[length]))));
        }

        // Created an hour ago with a 20-minute idle window: expired at T0, though still stored.
        var earlier = T0 - TimeSpan.FromHours(1);
        Assert.True(await Store.CreateAsync(NewKey(), NewRecord(earlier, ("data", new byte[5000]))));
        Assert.True(await Store.CreateAsync(NewKey(), Bound(NewRecord(earlier, ("data", [1])), "alice")));

        var now = await statistics.GetStatisticsAsync(T0);
        Assert.Equal(3, now.Live);
        Assert.Equal(2, now.Expired);
        Assert.Equal(5, now.Total);
        var sizes = now.Sizes;
        Assert.InRange(sizes.Min, "data".Length + 10, 4096);
        Assert.Equal(sizes.Min + 190, sizes.Max);
        Assert.Equal(sizes.Min + 90, sizes.Median);
        Assert.Equal(sizes.Median + (0.8 * 100), sizes.P90, 6);
        Assert.Equal(sizes.Median + (0.98 * 100), sizes.P99, 6);
        Assert.Equal((3 * sizes.Min) + 90 + 190, sizes.TotalBytes);

        var later = await statistics.GetStatisticsAsync(T0 + AbsoluteTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(new SessionStoreStatistics(0, 5, default), later);
    }
}
