using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using TypedSessions.Storage;

namespace TypedSessions.PostgreSql.Tests;

public sealed class PostgreSqlSessionStoreTests : IAsyncLifetime
{
    private readonly DateTimeOffset _t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private readonly string _table = TestPostgres.NewTableName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropTableAsync(_table);

    [Fact]
    public async Task The_schema_is_created_on_first_use_with_a_bytea_key_and_indexes_on_expiry_and_user_key()
    {
        await using var store = TestPostgres.CreateStore(_table);
        Assert.Equal(DBNull.Value, await TestPostgres.ScalarAsync("SELECT to_regclass(@t)::text;", ("t", _table)));

        Assert.Null((await store.LoadAsync(Key(), new(_t0, null))).Record);

        Assert.Equal("bytea", await TestPostgres.ScalarAsync(
            "SELECT data_type FROM information_schema.columns WHERE table_name = @t AND column_name = 'key';", ("t", _table)));
        var indexes = (string)(await TestPostgres.ScalarAsync(
            "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = @t;", ("t", _table)))!;
        Assert.Contains("(expires_at)", indexes, StringComparison.Ordinal);
        Assert.Contains("(user_key) WHERE (user_key IS NOT NULL)", indexes, StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY", (string)(await TestPostgres.ScalarAsync(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(@t);", ("t", _table)))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stored_key_is_the_hash_never_anything_else()
    {
        await using var store = TestPostgres.CreateStore(_table);
        var key = Key();
        await store.CreateAsync(key, Record());

        Assert.Equal(key, await TestPostgres.ScalarAsync($"SELECT encode(key, 'hex') FROM \"{_table}\";"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.LoadAsync("not-a-hash", new(_t0, null)));
    }

    [Fact]
    public async Task With_schema_creation_off_the_explicit_migration_call_creates_it_and_is_idempotent()
    {
        await using var store = TestPostgres.CreateStore(_table, createSchema: false);
        var missing = await Assert.ThrowsAsync<PostgresException>(async () => await store.LoadAsync(Key(), new(_t0, null)));
        Assert.Equal(PostgresErrorCodes.UndefinedTable, missing.SqlState);

        await store.EnsureSchemaAsync();
        await using var again = TestPostgres.CreateStore(_table, createSchema: false);
        await again.EnsureSchemaAsync();

        var key = Key();
        Assert.True(await store.CreateAsync(key, Record()));
        Assert.NotNull((await again.LoadAsync(key, new(_t0, null))).Record);
        Assert.Contains("CREATE TABLE IF NOT EXISTS", store.GetSchemaScript(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_instances_starting_at_once_create_the_schema_once_without_errors()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => TestPostgres.CreateStore(_table)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.EnsureSchemaAsync())));
            Assert.Equal(2L, await TestPostgres.ScalarAsync("SELECT count(*) FROM pg_indexes WHERE tablename = @t AND indexname LIKE 'ix_%';", ("t", _table)));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Every_operation_is_one_command_so_one_round_trip()
    {
        await using var store = TestPostgres.CreateStore(_table);
        await store.EnsureSchemaAsync();
        var key = Key();
        using var commands = new CommandCounter(_table);

        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));
        Assert.Equal(1, commands.Take());
        Assert.True((await store.LoadAsync(key, new(_t0 + TimeSpan.FromMinutes(10), 0.25))).Touched);
        Assert.Equal(1, commands.Take());
        Assert.False((await store.LoadAsync(key, new(_t0 + TimeSpan.FromMinutes(10), 0.25))).Touched);
        Assert.Equal(1, commands.Take());
        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = _t0, ClearAll = true, RemovedKeys = ["x"], SetValues = new Dictionary<string, byte[]> { ["b"] = [2] }, UserKeyChanged = true, UserKey = "u" }));
        Assert.Equal(1, commands.Take());
        Assert.True(await store.TouchAsync(key, _t0 + TimeSpan.FromMinutes(20), 0.25));
        Assert.Equal(1, commands.Take());
        Assert.True(await store.DeleteAsync(key));
        Assert.Equal(1, commands.Take());
    }

    [Fact]
    public async Task Two_store_instances_like_two_app_servers_merge_concurrent_saves()
    {
        await using var a = TestPostgres.CreateStore(_table);
        await using var b = TestPostgres.CreateStore(_table);
        var key = Key();
        await a.CreateAsync(key, Record());

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { ["k" + i] = [(byte)i] } }));
        })));

        var loaded = (await b.LoadAsync(key, new(_t0, null))).Record!;
        Assert.Equal(60, loaded.Values.Count);
        Assert.Equal(61, loaded.Version);
    }

    [Fact]
    public async Task Delete_expired_works_in_batches_and_reports_progress_with_a_total()
    {
        await using var store = TestPostgres.CreateStore(_table, batchSize: 7);
        for (var i = 0; i < 30; i++)
        {
            await store.CreateAsync(Key(), Record(_t0 - TimeSpan.FromHours(1)));
        }

        await store.CreateAsync(Key(), Record());
        var reports = new List<SessionCleanupProgress>();

        Assert.Equal(30, await store.DeleteExpiredAsync(_t0, new SyncProgress(reports.Add)));

        Assert.Equal(
            [new(0, 30), new(7, 30), new(14, 30), new(21, 30), new(28, 30), new(30, 30)],
            reports);
        Assert.Equal(1L, await TestPostgres.ScalarAsync($"SELECT count(*) FROM \"{_table}\";"));
    }

    [Fact]
    public async Task A_connection_closed_by_the_server_fails_the_call_quickly_and_the_next_call_recovers()
    {
        var application = "ts-kill-" + Guid.NewGuid().ToString("N")[..8];
        var connection = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { ApplicationName = application }.ConnectionString;
        await using var store = TestPostgres.CreateStore(_table, connectionString: connection);
        var key = Key();
        await store.CreateAsync(key, Record());

        Assert.Equal(1L, await TestPostgres.ScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @a;", ("a", application)));

        // The pooled connection is dead: the call fails (or, if the pool noticed, succeeds) but never hangs.
        var clock = Stopwatch.StartNew();
        var first = await Xunit.Record.ExceptionAsync(async () => await store.LoadAsync(key, new(_t0, null)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(first is null or NpgsqlException, $"unexpected {first}");

        Assert.NotNull((await store.LoadAsync(key, new(_t0, null))).Record);
    }

    private static string Key() => Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));

    private SessionRecord Record(params (string Key, byte[] Value)[] values) => Record(_t0, values);

    private static SessionRecord Record(DateTimeOffset createdAt, params (string Key, byte[] Value)[] values)
        => new(
            values.ToDictionary(v => v.Key, v => v.Value),
            createdAt,
            SessionLifetime.Compute(SessionExpiryMode.Default, createdAt, createdAt, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));

    private sealed class SyncProgress(Action<SessionCleanupProgress> report) : IProgress<SessionCleanupProgress>
    {
        public void Report(SessionCleanupProgress value) => report(value);
    }

    /// <summary>Counts the commands Npgsql sends (its ActivitySource starts one activity per command).</summary>
    private sealed class CommandCounter : IDisposable
    {
        private readonly ActivityListener _listener;
        private int _count;

        public CommandCounter(string table)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = activity =>
                {
                    // Other tests run in parallel: count only commands on this test's table.
                    var text = (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) as string;
                    if (text is not null && text.Contains(table, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref _count);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Take() => Interlocked.Exchange(ref _count, 0);

        public void Dispose() => _listener.Dispose();
    }
}
