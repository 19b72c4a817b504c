using System.Collections.Concurrent;
using System.Security.Cryptography;
using Npgsql;
using TypedSessions.Storage;
using static TypedSessions.TestSupport.TestRecords;
using TypedSessions.TestSupport;

namespace TypedSessions.PostgreSql.Tests;

/// <summary>
/// <see cref="PostgreSqlSessionStore.DeleteExpiredAsync"/> (a batch locks expired rows found through the expiry index
/// and deletes them by <c>ctid</c>) racing writers and readers on the real server: every acknowledged live session
/// survives with its latest values, expired sessions re-created during the run survive, everything else expired is
/// gone, a cancelled run stops between batches and no transaction stays open between two batches.
/// </summary>
public sealed class PostgreSqlCleanupRaceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _table = TestPostgres.NewTableName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropTableAsync(_table);

    [Fact]
    public async Task Sessions_saved_touched_and_recreated_during_the_cleanup_survive_with_their_latest_values()
    {
        await using var store = TestPostgres.CreateStore(_table, batchSize: 50);
        await using var cleaner = TestPostgres.CreateStore(_table, batchSize: 50); // its own pool, as the CLI has
        var expired = await SeedAsync(store, 5_000, T0 - TimeSpan.FromHours(1));
        var live = await SeedAsync(store, 300, T0 - TimeSpan.FromMinutes(10));
        var sliding = await SeedAsync(store, 100, T0 - TimeSpan.FromMinutes(19)); // expire at T0 + 1 min: a load slides them

        var acknowledged = new ConcurrentDictionary<string, int>();
        var revived = new ConcurrentDictionary<string, byte>();
        var slid = new ConcurrentDictionary<string, byte>();
        var missingReads = 0;
        var writesDuringCleanup = 0;
        var cleanupRunning = 0;
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var mine = live.Where((_, i) => i % 3 == w).ToArray();
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                var key = mine[n % mine.Length];
                var changes = new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["n"] = BitConverter.GetBytes(n) } };
                if (await store.SaveAsync(key, changes) == SessionWriteOutcome.Applied)
                {
                    acknowledged[key] = n;
                    if (Volatile.Read(ref cleanupRunning) == 1)
                    {
                        Interlocked.Increment(ref writesDuringCleanup);
                    }
                }
            }
        })).ToArray();

        // Expired sessions re-created under their old keys: the insert meets the cleanup's row lock or its delete.
        var recreator = Task.Run(async () =>
        {
            foreach (var key in expired.Where((_, i) => i % 20 == 0))
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                if (await store.CreateAsync(key, Record(T0, ("revived", [1]))))
                {
                    revived[key] = 0;
                }
            }
        });

        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var key = r == 0 ? live[n % live.Length] : sliding[n % sliding.Length];
                var loaded = await store.LoadAsync(key, new(T0, r == 0 ? null : 0.5));
                if (loaded.Record is null)
                {
                    Interlocked.Increment(ref missingReads);
                }
                else if (loaded.Touched)
                {
                    slid[key] = 0;
                }
            }
        })).ToArray();

        await Task.Delay(100);
        Volatile.Write(ref cleanupRunning, 1);

        // Every tenth batch the cleanup waits (between batches) for one more acknowledged write, so writers interleave.
        var batch = 0;
        var deleted = await cleaner.DeleteExpiredAsync(T0, new SyncProgress(_ =>
        {
            if (++batch % 10 == 0)
            {
                var seen = Volatile.Read(ref writesDuringCleanup);
                SpinWait.SpinUntil(() => Volatile.Read(ref writesDuringCleanup) > seen, TimeSpan.FromSeconds(5));
            }
        }));
        Volatile.Write(ref cleanupRunning, 0);
        await stop.CancelAsync();
        await Task.WhenAll([.. writers, recreator, .. readers]);

        Assert.True(writesDuringCleanup > 0, "no write ran while the cleanup ran");
        Assert.Equal(0, missingReads);
        foreach (var (key, n) in acknowledged)
        {
            var record = (await store.LoadAsync(key, new(T0, null))).Record;
            Assert.NotNull(record);
            Assert.Equal(n, BitConverter.ToInt32(record.Values["n"]));
        }

        Assert.NotEmpty(slid);
        foreach (var key in sliding)
        {
            var at = slid.ContainsKey(key) ? T0 + TimeSpan.FromMinutes(2) : T0;
            Assert.NotNull((await store.LoadAsync(key, new(at, null))).Record);
        }

        foreach (var key in revived.Keys)
        {
            Assert.Equal([1], (await store.LoadAsync(key, new(T0, null))).Record!.Values["revived"]);
        }

        Assert.Equal((long)(live.Length + sliding.Length + revived.Count), await CountRowsAsync());
        Assert.InRange(deleted, expired.Length - revived.Count, expired.Length);
    }

    [Fact]
    public async Task A_cancelled_cleanup_stops_between_batches_and_the_next_run_finishes()
    {
        await using var store = TestPostgres.CreateStore(_table, batchSize: 100);
        var expired = await SeedAsync(store, 2_000, T0 - TimeSpan.FromHours(1));
        var live = await SeedAsync(store, 50, T0);
        using var cancel = new CancellationTokenSource();
        var reports = new List<SessionCleanupProgress>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.DeleteExpiredAsync(T0, new SyncProgress(p =>
        {
            reports.Add(p);
            if (p.Deleted >= 500)
            {
                cancel.Cancel();
            }
        }), cancel.Token));

        var stoppedAt = reports[^1].Deleted;
        Assert.Equal(500, stoppedAt); // five full batches of 100
        Assert.Equal(expired.Length + live.Length - stoppedAt, await CountRowsAsync());
        Assert.Equal(expired.Length - stoppedAt, await store.DeleteExpiredAsync(T0));
        Assert.Equal(live.Length, await CountRowsAsync());
    }

    [Fact]
    public async Task Between_two_batches_the_cleanup_holds_no_transaction_and_an_expired_key_can_be_recreated()
    {
        // The cleanup's own application name finds its server sessions: between two batches none is in a transaction
        // (so no row lock of a deleted batch is held), and re-creating an expired session does not wait.
        var application = "ts-cleanup-" + Guid.NewGuid().ToString("N")[..12];
        var connection = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { ApplicationName = application }.ToString();
        await using var store = TestPostgres.CreateStore(_table);
        await using var cleaner = TestPostgres.CreateStore(_table, batchSize: 100, connectionString: connection);
        var expired = await SeedAsync(store, 2_000, T0 - TimeSpan.FromHours(1));
        var busy = new List<long>();
        var recreated = 0;

        var deleted = await Task.Run(async () => await cleaner.DeleteExpiredAsync(T0, new SyncProgress(p =>
        {
            if (p.Deleted == 0)
            {
                return;
            }

            busy.Add((long)TestPostgres.ScalarAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = @app AND state <> 'idle';", ("app", application)).GetAwaiter().GetResult()!);
            var create = store.CreateAsync(expired[recreated++], Record(T0, ("again", [1]))).AsTask();
            Assert.True(create.Wait(TimeSpan.FromSeconds(10)), "re-creating an expired session between two batches did not complete");
            Assert.True(create.Result);
        })));

        Assert.Equal(20, busy.Count);
        Assert.All(busy, count => Assert.Equal(0, count));
        Assert.InRange(deleted, expired.Length - recreated, expired.Length);
        Assert.Equal((long)recreated, await CountRowsAsync());
    }

    private static async Task<string[]> SeedAsync(PostgreSqlSessionStore store, int count, DateTimeOffset createdAt)
    {
        var keys = Enumerable.Range(0, count).Select(_ => Key()).ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            Assert.True(await store.CreateAsync(key, Record(createdAt), ct)));
        return keys;
    }

    private async Task<long> CountRowsAsync() => (long)(await TestPostgres.ScalarAsync($"SELECT count(*) FROM \"{_table}\";"))!;
}
