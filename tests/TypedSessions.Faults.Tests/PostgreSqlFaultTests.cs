using Xunit.Abstractions;

namespace TypedSessions.Faults.Tests;

/// <summary>PostgreSQL restarted mid-load (fast and immediate); the session table locked longer than the timeout.</summary>
public sealed class PostgreSqlFaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("fast")]
    [InlineData("immediate")]
    public async Task PostgreSql_restarted_mid_load_fails_fast_with_503_loses_no_acknowledged_write_and_the_pool_recovers(string mode)
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var app = await StartAppAsync(postgres);

        var result = await FaultRun.RunAsync(
            app, new Fault("PostgreSQL", $"pg_ctl stop -m {mode}, start again", () => postgres.StopAsync(mode), postgres.StartAgainAsync), TimeSpan.FromSeconds(1.5), output);

        Assert.Empty(result.Violations);
    }

    [Fact]
    public async Task PostgreSql_table_locked_longer_than_the_timeout_fails_at_the_timeout_and_a_timed_out_write_overwrites_nothing()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var app = await StartAppAsync(postgres);
        IAsyncDisposable? tableLock = null;
        var window = TimeSpan.FromSeconds(4);

        var result = await FaultRun.RunAsync(
            app,
            new Fault(
                "PostgreSQL",
                "LOCK TABLE … ACCESS EXCLUSIVE held 4 s by another connection",
                async () => tableLock = await postgres.LockTableAsync("typedsessions"),
                async () => await tableLock!.DisposeAsync()),
            window,
            output);

        Assert.Empty(result.Violations);
        Assert.NotEmpty(result.ThatMustNotWaitForTheStore);
        Assert.All(result.ThatMustNotWaitForTheStore, e => Assert.True(e.End < result.RestoringAt, $"a request that started at {e.Start.TotalMilliseconds:F0} ms waited for the store (ended {e.End.TotalMilliseconds:F0} ms, store back at {result.RestoringAt.TotalMilliseconds:F0} ms)"));
    }

    private static Task<FaultApp> StartAppAsync(PrivatePostgres postgres)
        => FaultApp.StartAsync(FaultRun.StoreTimeout, "PostgreSql", postgres.ConnectionString, b => b.AddPostgreSqlStore());
}
