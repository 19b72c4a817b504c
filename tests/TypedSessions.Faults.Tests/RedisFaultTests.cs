using TypedSessions.TestSupport;
using Xunit.Abstractions;

namespace TypedSessions.Faults.Tests;

/// <summary>Redis (AOF, appendfsync always) killed mid-load and started again; Redis paused longer than the timeout.</summary>
public sealed class RedisFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_killed_mid_load_and_started_again_fails_fast_with_503_loses_no_acknowledged_write_and_recovers()
    {
        await using var redis = await PrivateRedisServer.StartAsync(durable: true);
        await using var app = await StartAppAsync(redis);

        // While the server is down StackExchange.Redis queues commands for reconnection, so each request
        // waits out the store timeout (750 ms) and answers 503; clients alternate write and read, and a 3 s
        // window holds several whole requests per client, at least one of them a write (1.5 s once held only
        // reads, and the check that the fault took effect failed).
        var result = await FaultRun.RunAsync(app, new Fault("Redis", "server killed (SIGKILL), started again", redis.KillAsync, redis.StartAgainAsync), TimeSpan.FromSeconds(3), output);

        Assert.Empty(result.Violations);
    }

    [Fact]
    public async Task Redis_paused_longer_than_the_timeout_fails_at_the_timeout_and_a_timed_out_write_overwrites_nothing()
    {
        await using var redis = await PrivateRedisServer.StartAsync(durable: true);
        await using var app = await StartAppAsync(redis);
        var pause = TimeSpan.FromSeconds(5);

        // The pause ends by itself (CLIENT UNPAUSE waits for it too): the window the run judges as "during the fault"
        // ends 1.5 s before it, room for a late timer on a loaded machine.
        var result = await FaultRun.RunAsync(app, new Fault("Redis", "CLIENT PAUSE 5000 ALL (slower than the timeout)", () => redis.PauseAllAsync(pause), redis.WaitAnsweringAsync), pause - TimeSpan.FromSeconds(1.5), output);

        Assert.Empty(result.Violations);
        Assert.NotEmpty(result.ThatMustNotWaitForTheStore);
        Assert.All(result.ThatMustNotWaitForTheStore, e => Assert.True(e.End < result.RestoringAt, $"a request that started at {e.Start.TotalMilliseconds:F0} ms waited for the store (ended {e.End.TotalMilliseconds:F0} ms, store back at {result.RestoringAt.TotalMilliseconds:F0} ms)"));
    }

    private static Task<FaultApp> StartAppAsync(PrivateRedisServer redis)
        => FaultApp.StartAsync(FaultRun.StoreTimeout, "Redis", redis.ConnectionString, b => b.AddRedisStore());
}
