using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using TypedSessions.Storage;

namespace TypedSessions.Sqlite.Tests;

public sealed class SqliteSessionStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_schema_is_created_on_first_use_in_wal_mode_with_a_user_index_and_no_expiry_index()
    {
        using var store = _db.CreateStore();
        Assert.False(File.Exists(_db.Path_));

        Assert.Null((await store.LoadAsync(Key(), new(T0, null))).Record);

        Assert.True(File.Exists(_db.Path_));
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal("wal", await Scalar(connection, "PRAGMA journal_mode;"));
        // The cleanup walks the primary key (SqliteCleanupRaceTests); nothing reads an index on expires_at.
        Assert.Equal("ix_typedsessions_user_key", await Scalar(connection, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL;"));
    }

    [Fact]
    public async Task Create_load_save_delete_round_trip()
    {
        using var store = _db.CreateStore();
        var key = Key();
        var record = Record(("name", [1, 2, 3]));

        Assert.True(await store.CreateAsync(key, record));
        Assert.False(await store.CreateAsync(key, record));

        var loaded = (await store.LoadAsync(key, new(T0, null))).Record!;
        Assert.Equal([1, 2, 3], loaded.Values["name"]);
        Assert.Equal(record.CreatedAt, loaded.CreatedAt);
        Assert.Equal(record.Lifetime, loaded.Lifetime);

        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["b"] = [9] }, RemovedKeys = ["name"] }));
        loaded = (await store.LoadAsync(key, new(T0, null))).Record!;
        Assert.Equal(["b"], loaded.Values.Keys);
        Assert.Equal(2, loaded.Version);

        Assert.True(await store.DeleteAsync(key));
        Assert.False(await store.DeleteAsync(key));
        Assert.Null((await store.LoadAsync(key, new(T0, null))).Record);
        Assert.Equal(SessionWriteOutcome.NotFound, await store.SaveAsync(key, new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["x"] = [1] } }));
        Assert.Null((await store.LoadAsync(key, new(T0, null))).Record);
    }

    [Fact]
    public async Task Expired_rows_are_absent_and_may_be_replaced_by_create()
    {
        using var store = _db.CreateStore();
        var key = Key();
        await store.CreateAsync(key, Record());
        var later = T0 + TimeSpan.FromMinutes(21);

        Assert.Null((await store.LoadAsync(key, new(later, 0.25))).Record);
        Assert.Equal(SessionWriteOutcome.NotFound, await store.SaveAsync(key, new SessionChangeSet { Now = later, SetValues = new Dictionary<string, byte[]> { ["x"] = [1] } }));
        Assert.True(await store.CreateAsync(key, Record(createdAt: later)));
    }

    [Fact]
    public async Task Load_touches_only_when_due_and_in_the_same_call()
    {
        using var store = _db.CreateStore();
        var key = Key();
        await store.CreateAsync(key, Record());

        var early = await store.LoadAsync(key, new(T0 + TimeSpan.FromMinutes(2), 0.25));
        Assert.False(early.Touched);

        var due = await store.LoadAsync(key, new(T0 + TimeSpan.FromMinutes(10), 0.25));
        Assert.True(due.Touched);
        Assert.Equal(T0 + TimeSpan.FromMinutes(30), due.Record!.Lifetime.ExpiresAt);
        Assert.Equal(T0 + TimeSpan.FromMinutes(30), (await store.LoadAsync(key, new(T0, null))).Record!.Lifetime.ExpiresAt);

        Assert.True(await store.TouchAsync(key, T0 + TimeSpan.FromMinutes(20), 0.25));
        Assert.False(await store.TouchAsync(key, T0 + TimeSpan.FromMinutes(21), 0.25));
    }

    [Fact]
    public async Task One_hundred_concurrent_saves_of_different_keys_all_survive()
    {
        using var store = _db.CreateStore();
        var key = Key();
        await store.CreateAsync(key, Record(("owner", [1])));

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            var outcome = await store.SaveAsync(key, new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["k" + i] = [(byte)i] } });
            Assert.Equal(SessionWriteOutcome.Applied, outcome);
        })));

        var loaded = (await store.LoadAsync(key, new(T0, null))).Record!;
        Assert.Equal(101, loaded.Values.Count);
        Assert.Equal(101, loaded.Version);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal((byte)i, loaded.Values["k" + i][0]));
    }

    [Fact]
    public async Task Delete_expired_works_in_batches_and_reports_progress()
    {
        using var store = _db.CreateStore(batchSize: 7);
        for (var i = 0; i < 30; i++)
        {
            await store.CreateAsync(Key(), Record(createdAt: T0 - TimeSpan.FromHours(1)));
        }

        var live = Key();
        await store.CreateAsync(live, Record());
        var reports = new List<SessionCleanupProgress>();

        var deleted = await store.DeleteExpiredAsync(T0, new SyncProgress(reports.Add));

        Assert.Equal(30, deleted);
        Assert.Equal(new SessionCleanupProgress(0, 30), reports[0]);
        Assert.Equal(new SessionCleanupProgress(30, 30), reports[^1]);
        Assert.Equal(6, reports.Count);
        Assert.NotNull((await store.LoadAsync(live, new(T0, null))).Record);
        Assert.Equal(0, await store.DeleteExpiredAsync(T0));
    }

    [Fact]
    public async Task A_corrupt_row_is_reported_as_SessionDataException()
    {
        using var store = _db.CreateStore();
        var key = Key();
        await store.CreateAsync(key, Record());
        await using (var connection = new SqliteConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE typedsessions SET data = x'c1c1c1' WHERE key = $k;";
            command.Parameters.AddWithValue("$k", key);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await Assert.ThrowsAsync<SessionDataException>(async () => await store.LoadAsync(key, new(T0, null)));
    }

    [Fact]
    public async Task Two_store_instances_on_one_file_merge_like_two_app_processes()
    {
        using var a = _db.CreateStore();
        using var b = _db.CreateStore();
        var key = Key();
        await a.CreateAsync(key, Record());

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["k" + i] = [1] } }));
        })));

        Assert.Equal(40, (await b.LoadAsync(key, new(T0, null))).Record!.Values.Count);
    }

    // Another process holds the write lock. The caller gives up meanwhile (its request answered 503): the write stops
    // waiting at once — while the lock is still held, no thread left blocked in SQLite — and once the lock is
    // released, nothing has been committed. (Through the provider's or SQLite's own busy wait, the write blocked its
    // thread until the lock was released, deaf to the token.)
    [Theory]
    [InlineData("save")]
    [InlineData("cycle")]
    [InlineData("end")]
    [InlineData("touch")]
    [InlineData("delete")]
    public async Task A_write_whose_caller_gave_up_while_another_process_held_the_lock_stops_waiting_and_writes_nothing(string operation)
    {
        using var store = _db.CreateStore();
        var key = Key();
        var newKey = Key();
        await store.CreateAsync(key, Record(("a", [1])));
        await using var holder = new SqliteConnection(new SqliteConnectionStringBuilder(_db.ConnectionString) { Pooling = false }.ToString());
        await holder.OpenAsync();
        await Execute(holder, "BEGIN IMMEDIATE;");
        using var giveUp = new CancellationTokenSource();
        var changes = new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["a"] = [2] } };

        var write = Task.Run(async () => operation switch
        {
            "save" => (object)await store.SaveAsync(key, changes, giveUp.Token),
            "cycle" => await store.CycleAsync(key, newKey, changes, T0 + TimeSpan.FromMinutes(1), giveUp.Token),
            "touch" => await store.TouchAsync(key, T0 + TimeSpan.FromMinutes(19), 0, giveUp.Token),
            "delete" => await store.DeleteAsync(key, giveUp.Token),
            _ => await store.EndAsync(key, T0, T0 + TimeSpan.FromMinutes(1), giveUp.Token),
        });
        await Task.Delay(500);
        Assert.False(write.IsCompleted, "The write did not wait for the other connection's lock.");
        await giveUp.CancelAsync();

        // Still held by the other connection: the write must end by itself (20 s: a hang detector, not a timing).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(20)));
        await Execute(holder, "ROLLBACK;");
        var stored = await store.LoadAsync(key, new(T0, null));
        Assert.False(stored.IsSuperseded);
        Assert.Equal([1], stored.Record!.Values["a"]);
        Assert.Equal(1, stored.Record.Version);
        Assert.Equal(Record(("a", [1])).Lifetime, stored.Record.Lifetime);
        var moved = await store.LoadAsync(newKey, new(T0, null));
        Assert.Null(moved.Record);
        Assert.False(moved.IsSuperseded);
        Assert.Equal("0", await Scalar(holder, $"SELECT CAST(COUNT(*) AS TEXT) FROM typedsessions WHERE key = '{newKey}';"));
    }

    [Fact]
    public async Task On_a_shared_cache_database_a_write_waits_for_another_connections_write_and_then_applies()
    {
        // A shared-cache database answers a second writer SQLITE_LOCKED (not BUSY); the store's lock loop waits for it
        // as for BUSY. The holder keeps the connection open so the in-memory database lives for the test.
        var name = "file:shared-" + Guid.NewGuid().ToString("N") + "?mode=memory&cache=shared";
        await using var holder = new SqliteConnection("Data Source=" + name);
        await holder.OpenAsync();
        using var store = new SqliteSessionStore(Microsoft.Extensions.Options.Options.Create(new SqliteSessionStoreOptions { ConnectionString = "Data Source=" + name }));
        var key = Key();
        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));
        await Execute(holder, "BEGIN IMMEDIATE;");
        await Execute(holder, "UPDATE typedsessions SET version = version WHERE key = 'x';");

        var write = Task.Run(async () => await store.SaveAsync(key, new SessionChangeSet { Now = T0, SetValues = new Dictionary<string, byte[]> { ["a"] = [2] } }));
        await Task.Delay(300);
        Assert.False(write.IsCompleted, "The write did not wait for the other connection's write transaction.");
        await Execute(holder, "COMMIT;");

        Assert.Equal(SessionWriteOutcome.Applied, await write.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal([2], (await store.LoadAsync(key, new(T0, null))).Record!.Values["a"]);
    }

    [Fact]
    public async Task A_cycle_leaves_a_short_tombstone_row_bound_to_nobody_that_statistics_skip()
    {
        using var store = _db.CreateStore();
        var key = Key();
        var newKey = Key();
        await store.CreateAsync(key, new SessionRecord(
            new Dictionary<string, byte[]> { ["a"] = [1] }, T0, SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)), 1, "alice"));
        var end = T0 + TimeSpan.FromMinutes(1);

        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(key, newKey, new SessionChangeSet { Now = T0 }, end));

        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT expires_at, user_key IS NULL, hex(data) FROM typedsessions WHERE key = $k;";
            command.Parameters.AddWithValue("$k", key);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(end.ToUnixTimeMilliseconds(), reader.GetInt64(0));
            Assert.True(reader.GetBoolean(1));
            Assert.StartsWith("9201", reader.GetString(2), StringComparison.Ordinal);
            Assert.InRange(reader.GetString(2).Length / 2, 3, 11);
        }

        Assert.Equal("alice", (await store.LoadAsync(newKey, new(T0, null))).Record!.UserKey);
        var statistics = await store.GetStatisticsAsync(T0);
        Assert.Equal(1, statistics.Live);
        Assert.Equal(0, statistics.Expired);
        Assert.Equal(1, (await store.GetStatisticsAsync(end)).Expired);
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static string Key() => Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));

    private static SessionRecord Record(params (string Key, byte[] Value)[] values) => Record(T0, values);

    private static SessionRecord Record(DateTimeOffset createdAt, params (string Key, byte[] Value)[] values)
        => new(
            values.ToDictionary(v => v.Key, v => v.Value),
            createdAt,
            SessionLifetime.Compute(SessionExpiryMode.Default, createdAt, createdAt, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));

    private static async Task<string?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string?)await command.ExecuteScalarAsync();
    }

    private sealed class SyncProgress(Action<SessionCleanupProgress> report) : IProgress<SessionCleanupProgress>
    {
        public void Report(SessionCleanupProgress value) => report(value);
    }
}
