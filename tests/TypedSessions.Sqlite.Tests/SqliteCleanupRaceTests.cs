using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using TypedSessions.Storage;
using static TypedSessions.TestSupport.TestRecords;

namespace TypedSessions.Sqlite.Tests;

/// <summary>
/// <see cref="SqliteSessionStore.DeleteExpiredAsync"/> racing writers and readers on a real database file: every
/// acknowledged live session survives with its latest values, expired sessions re-created during the run survive,
/// everything else expired is gone, a cancelled run stops between batches and holds no lock between two batches.
/// </summary>
public sealed class SqliteCleanupRaceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData(false)] // the app's own store runs the cleanup (the hosted cleanup): one in-process write gate
    [InlineData(true)] // another store on the same file, as the CLI in another process: only SQLite's lock between them
    public async Task Sessions_saved_touched_and_recreated_during_the_cleanup_survive_with_their_latest_values(bool separateCleanupStore)
    {
        using var store = _db.CreateStore(batchSize: 200);
        using var other = separateCleanupStore ? _db.CreateStore(batchSize: 200) : null;
        var cleaner = other ?? store;
        var expired = await SeedAsync(store, 20_000, T0 - TimeSpan.FromHours(1));
        var live = await SeedAsync(store, 300, T0 - TimeSpan.FromMinutes(10));
        var sliding = await SeedAsync(store, 100, T0 - TimeSpan.FromMinutes(19)); // expire at T0 + 1 min: a load slides them

        var acknowledged = new ConcurrentDictionary<string, int>();
        var revived = new ConcurrentDictionary<string, byte>();
        var slid = new ConcurrentDictionary<string, byte>();
        var missingReads = 0;
        var writesDuringCleanup = 0;
        var cleanupRunning = 0;
        using var stop = new CancellationTokenSource();

        // Three writers, each owning a third of the live sessions (so "latest" is well defined per key).
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

        // Expired sessions re-created under their old keys (CreateAsync replaces an expired row): they are live at T0.
        var recreator = Task.Run(async () =>
        {
            foreach (var key in expired.Where((_, i) => i % 40 == 0))
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

        // Readers: a live session is never missing; loads of the sliding ones slide their expiry (a touch write).
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

        // Between every tenth pair of batches the cleanup waits (no lock held) for one more acknowledged write, so the
        // writers interleave with the run even when SQLite's busy retry (another store: 150 ms sleeps in the provider)
        // would let the cleanup's batches follow each other without a gap for them.
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
            // A load that slid the expiry moved it past T0 + 1 min; every other sliding session is still live at T0.
            var at = slid.ContainsKey(key) ? T0 + TimeSpan.FromMinutes(2) : T0;
            Assert.NotNull((await store.LoadAsync(key, new(at, null))).Record);
        }

        foreach (var key in revived.Keys)
        {
            Assert.Equal([1], (await store.LoadAsync(key, new(T0, null))).Record!.Values["revived"]);
        }

        // Everything else that was expired is gone, and nothing more: the run deleted exactly those rows
        // (a re-created key counts once if the cleanup deleted its expired row before it was re-created).
        Assert.Equal(live.Length + sliding.Length + revived.Count, await CountRowsAsync());
        Assert.InRange(deleted, expired.Length - revived.Count, expired.Length);
    }

    [Fact]
    public async Task A_cancelled_cleanup_stops_between_batches_and_the_next_run_finishes()
    {
        using var store = _db.CreateStore(batchSize: 100);
        var expired = await SeedAsync(store, 3_000, T0 - TimeSpan.FromHours(1));
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
        Assert.InRange(stoppedAt, 500, 599); // the batch that crossed 500 was the last one
        Assert.Equal(expired.Length + live.Length - stoppedAt, await CountRowsAsync());
        Assert.Equal(expired.Length - stoppedAt, await store.DeleteExpiredAsync(T0));
        Assert.Equal(live.Length, await CountRowsAsync());
    }

    [Fact]
    public async Task Between_two_batches_the_write_lock_is_free_for_the_apps_writes_in_this_and_another_store()
    {
        // The cleanup holds the lock for one DELETE of one key range, never across batches: a write started between two
        // batches (while the cleanup waits in its progress report) completes before the next batch begins. It would
        // wait forever (here: time out) if the run kept the in-process gate or SQLite's write lock.
        using var store = _db.CreateStore(batchSize: 100);
        using var other = _db.CreateStore();
        await SeedAsync(store, 2_000, T0 - TimeSpan.FromHours(1));
        var live = await SeedAsync(store, 1, T0);
        var writes = 0;

        var deleted = await Task.Run(async () => await store.DeleteExpiredAsync(T0, new SyncProgress(p =>
        {
            if (p.Deleted == 0)
            {
                return;
            }

            foreach (var writer in new[] { store, other })
            {
                var save = writer.SaveAsync(live[0], new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["w"] = BitConverter.GetBytes(++writes) } }).AsTask();
                Assert.True(save.Wait(TimeSpan.FromSeconds(10)), "a write between two batches did not complete");
                Assert.Equal(SessionWriteOutcome.Applied, save.Result);
            }
        })));

        Assert.Equal(2_000, deleted);
        Assert.InRange(writes, 40, 42); // two writes after each of the 20 or 21 batches (2,001 rows, 100 a range)
        Assert.Equal(writes, BitConverter.ToInt32((await store.LoadAsync(live[0], new(T0, null))).Record!.Values["w"]));
    }

    [Fact]
    public async Task The_cleanup_sets_synchronous_back_and_the_store_waits_for_other_processes_with_sqlites_busy_handler()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path_)!);
        await using (var fresh = new SqliteConnection(_db.ConnectionString))
        {
            await fresh.OpenAsync();
            Assert.Equal(2L, await ScalarAsync(fresh, "PRAGMA synchronous;")); // FULL, the provider's default
            Assert.Equal(0L, await ScalarAsync(fresh, "PRAGMA busy_timeout;")); // the provider alone: 150 ms sleeps between retries
        }

        using var store = _db.CreateStore();
        await SeedAsync(store, 10, T0 - TimeSpan.FromHours(1));
        Assert.Equal(10, await store.DeleteExpiredAsync(T0));

        // One connection in the pool: the store's (the cleanup's), which this open gets back.
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous;"));
        Assert.Equal(connection.DefaultTimeout * 1000L, await ScalarAsync(connection, "PRAGMA busy_timeout;"));
    }

    [Fact]
    public async Task An_old_database_with_the_expiry_index_loses_it_and_keeps_its_sessions_and_counts()
    {
        // The schema the store created before the cleanup walked the primary key.
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path_)!);
        await using (var connection = new SqliteConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE typedsessions (key TEXT NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL, version INTEGER NOT NULL,
                    user_key TEXT NULL, data BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX ix_typedsessions_expires_at ON typedsessions (expires_at);
                CREATE INDEX ix_typedsessions_user_key ON typedsessions (user_key) WHERE user_key IS NOT NULL;
                """);
            await InsertAsync(connection, Enumerable.Range(0, 40).Select(_ => (Key(), Record(T0 - TimeSpan.FromHours(1)))));
            await InsertAsync(connection, Enumerable.Range(0, 25).Select(_ => (Key(), Record(T0))));
        }

        using (var store = _db.CreateStore(batchSize: 7))
        {
            var stats = await store.GetStatisticsAsync(T0);
            Assert.Equal(25, stats.Live);
            Assert.Equal(40, stats.Expired);
        }

        await using (var connection = new SqliteConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(["ix_typedsessions_user_key"], await IndexesAsync(connection));
        }

        // A second store (a restart, another process) finds nothing to drop and works the same.
        using var again = _db.CreateStore(batchSize: 7);
        Assert.Equal(40, await again.DeleteExpiredAsync(T0));
        var after = await again.GetStatisticsAsync(T0);
        Assert.Equal(25, after.Live);
        Assert.Equal(0, after.Expired);
    }

    [Fact]
    public async Task Two_stores_opening_an_old_database_at_once_both_start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path_)!);
        await using (var connection = new SqliteConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE typedsessions (key TEXT NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL, version INTEGER NOT NULL,
                    user_key TEXT NULL, data BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX ix_typedsessions_expires_at ON typedsessions (expires_at);
                """);
            await InsertAsync(connection, Enumerable.Range(0, 2000).Select(_ => (Key(), Record(T0))));
        }

        using var first = _db.CreateStore();
        using var second = _db.CreateStore();
        await Task.WhenAll(Task.Run(() => first.EnsureSchemaAsync()), Task.Run(() => second.EnsureSchemaAsync()));

        await using var check = new SqliteConnection(_db.ConnectionString);
        await check.OpenAsync();
        Assert.Equal(["ix_typedsessions_user_key"], await IndexesAsync(check));
        Assert.Equal(2000, (await first.GetStatisticsAsync(T0)).Live);
    }

    private async Task<string[]> SeedAsync(SqliteSessionStore store, int count, DateTimeOffset createdAt)
    {
        await store.EnsureSchemaAsync();
        var rows = Enumerable.Range(0, count).Select(_ => (Key(), Record(createdAt))).ToArray();
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await InsertAsync(connection, rows);
        return [.. rows.Select(r => r.Item1)];
    }

    private static async Task InsertAsync(SqliteConnection connection, IEnumerable<(string Key, SessionRecord Record)> rows)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO typedsessions (key, expires_at, version, user_key, data) VALUES ($key, $expires, $version, NULL, $data);";
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var expires = insert.Parameters.Add("$expires", SqliteType.Integer);
        var version = insert.Parameters.Add("$version", SqliteType.Integer);
        var data = insert.Parameters.Add("$data", SqliteType.Blob);
        foreach (var (k, record) in rows)
        {
            key.Value = k;
            expires.Value = record.Lifetime.ExpiresAt.ToUnixTimeMilliseconds();
            version.Value = record.Version;
            data.Value = SessionEnvelope.Serialize(record);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        return (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM typedsessions;"))!;
    }

    private static async Task<string[]> IndexesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name;";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
