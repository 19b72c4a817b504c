using TypedSessions.LoadHarness.Soak;

namespace ShopSample.Tests;

/// <summary>
/// The soak driver of <c>tests/TypedSessions.LoadHarness/soak.sh</c> (200 clients × 60 s, a separate process)
/// in a short in-process form, so its verification runs in CI: 20 clients for 3 s on the sample's SQLite store, including
/// the same-key phase (every client increments one shared counter, retrying on 409).
/// No timing or throughput is asserted; those are in docs/benchmarks.md.
/// </summary>
public sealed class SoakTests
{
    [Fact]
    public async Task Twenty_clients_on_a_shared_session_and_their_own_lose_no_increment_on_sqlite()
    {
        using var app = new ShopApp(fakeTime: false);

        var result = await SoakDriver.RunAsync(app.Raw, Options(TimeSpan.FromSeconds(3)));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Mismatches);

        // Every client made at least one round (three increments, one of them on the counter all clients share, retried on
        // 409), plus the one that created the shared session.
        Assert.True(result.Acknowledged >= 61, $"only {result.Acknowledged} acknowledged increments");
        Assert.True(result.SameKeyAcknowledged >= 20, $"only {result.SameKeyAcknowledged} acknowledged increments of the shared counter");
        Assert.True(result.Passed);
    }

    [Fact]
    public async Task The_check_sees_lost_updates_on_a_store_that_does_not_merge()
    {
        // The IDistributedCache store is whole-session last writer wins (README: stores): 20 clients writing
        // different keys of one session overwrite each other, and the read-back must notice.
        using var app = new ShopApp(fakeTime: false, settings: new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "DistributedCache",
            ["TypedSessions:ConnectionString"] = string.Empty,
        });

        var result = await SoakDriver.RunAsync(app.Raw, Options(TimeSpan.FromSeconds(2)));

        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Mismatches);
        Assert.All(result.Mismatches, m => Assert.True(m.Stored < m.Acknowledged, $"{m.Session} {m.Counter}: stored {m.Stored}, acknowledged {m.Acknowledged}"));
        Assert.False(result.Passed);
    }

    private static SoakOptions Options(TimeSpan duration)
        => new(Clients: 20, duration, RequestTimeout: TimeSpan.FromSeconds(30), Grace: TimeSpan.FromSeconds(60));
}
