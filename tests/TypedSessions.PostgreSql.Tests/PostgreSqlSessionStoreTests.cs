using System.Diagnostics;
using Npgsql;
using TypedSessions.Storage;
using TypedSessions.TestSupport;
using static TypedSessions.TestSupport.TestRecords;

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
        Assert.Equal(SessionWriteOutcome.Conflict, await store.SaveAsync(key, Expecting(_t0, ("b", [9]), ("b", [3]))));
        Assert.Equal(1, commands.Take());
        var newKey = Key();
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(key, newKey, Expecting(_t0, ("b", [2]), ("b", [3])), _t0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(1, commands.Take());
        Assert.Equal(SessionWriteOutcome.Applied, await store.EndAsync(newKey, _t0, _t0 + TimeSpan.FromMinutes(1)));
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
            await store.CreateAsync(Key(), TestRecords.Record(_t0 - TimeSpan.FromHours(1)));
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
        var connection = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { ApplicationName = application }.ConnectionString;
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

    [Fact]
    public async Task A_table_created_by_the_previous_schema_is_upgraded_in_place_and_its_sessions_still_load()
    {
        // The schema of the store before tombstones, and a session it wrote.
        await ExecuteAsync($"""
            CREATE TABLE "{_table}" (
                key bytea NOT NULL PRIMARY KEY, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
                absolute_expires_at timestamptz NULL, idle_timeout_ms bigint NULL, expiry_mode smallint NOT NULL,
                version bigint NOT NULL, user_key text NULL, value_keys bytea[] NOT NULL, value_data bytea[] NOT NULL);
            CREATE INDEX "ix_{_table}_expires_at" ON "{_table}" (expires_at);
            CREATE INDEX "ix_{_table}_user_key" ON "{_table}" (user_key) WHERE user_key IS NOT NULL;
            """);
        var key = Key();
        await ExecuteAsync(
            $"""
            INSERT INTO "{_table}" VALUES (decode(@k, 'hex'), @t, @t + interval '20 minutes', @t + interval '8 hours', 1200000, 0, 3, 'alice',
                ARRAY[convert_to('cart', 'UTF8')], ARRAY['\x0102'::bytea]);
            """,
            ("k", key), ("t", _t0));

        await using var store = TestPostgres.CreateStore(_table);
        var loaded = (await store.LoadAsync(key, new(_t0, null))).Record!;

        Assert.Equal(Record(("cart", [1, 2])).Lifetime, loaded.Lifetime);
        Assert.Equal([1, 2], loaded.Values["cart"]);
        Assert.Equal(3, loaded.Version);
        Assert.Equal("alice", loaded.UserKey);
        Assert.Equal("boolean NO false", await TestPostgres.ScalarAsync(
            "SELECT data_type || ' ' || is_nullable || ' ' || column_default FROM information_schema.columns WHERE table_name = @t AND column_name = 'tombstone';", ("t", _table)));

        var newKey = Key();
        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { ["n"] = [1] } }));
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(key, newKey, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)));
        Assert.True((await store.LoadAsync(key, new(_t0, null))).IsSuperseded);
        Assert.Equal(["cart", "n"], (await store.LoadAsync(newKey, new(_t0, null))).Record!.Values.Keys.Order());

        // Running the upgrade again changes nothing.
        await using var again = TestPostgres.CreateStore(_table, createSchema: false);
        await again.EnsureSchemaAsync();
        Assert.True((await again.LoadAsync(key, new(_t0, null))).IsSuperseded);
    }

    [Fact]
    public async Task With_schema_creation_off_a_previous_table_is_upgraded_by_the_explicit_migration_call()
    {
        await ExecuteAsync($"""
            CREATE TABLE "{_table}" (
                key bytea NOT NULL PRIMARY KEY, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
                absolute_expires_at timestamptz NULL, idle_timeout_ms bigint NULL, expiry_mode smallint NOT NULL,
                version bigint NOT NULL, user_key text NULL, value_keys bytea[] NOT NULL, value_data bytea[] NOT NULL);
            """);
        await using var store = TestPostgres.CreateStore(_table, createSchema: false);
        var missing = await Assert.ThrowsAsync<PostgresException>(async () => await store.LoadAsync(Key(), new(_t0, null)));
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, missing.SqlState);

        await store.EnsureSchemaAsync();

        var key = Key();
        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));
        Assert.Equal(SessionWriteOutcome.Applied, await store.EndAsync(key, _t0, _t0 + TimeSpan.FromMinutes(1)));
        Assert.True((await store.LoadAsync(key, new(_t0, null))).IsSuperseded);
    }

    // Once the column exists, a starting instance must not queue for an exclusive table lock behind a long query
    // (which would queue every session query behind it in turn).
    [Fact]
    public async Task The_schema_step_on_an_upgraded_table_does_not_wait_behind_a_long_reader()
    {
        await using (var first = TestPostgres.CreateStore(_table))
        {
            await first.EnsureSchemaAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var reader = await dataSource.OpenConnectionAsync();
        await using var transaction = await reader.BeginTransactionAsync();
        await using (var lockCommand = new NpgsqlCommand($"LOCK TABLE \"{_table}\" IN ACCESS SHARE MODE;", reader, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync();
        }

        await using var starting = TestPostgres.CreateStore(_table);
        await starting.EnsureSchemaAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null((await starting.LoadAsync(Key(), new(_t0, null))).Record);
        await transaction.RollbackAsync();
    }

    // A write that waited for another transaction's row lock judges the row that transaction committed: its expected
    // value, its other keys, its deletion.
    [Fact]
    public async Task Writes_that_wait_for_a_row_lock_judge_and_merge_the_row_its_holder_committed()
    {
        await using var store = TestPostgres.CreateStore(_table);
        var key = Key();
        await store.CreateAsync(key, Record(("n", [1]), ("other", [5])));

        // n changed meanwhile: the save expecting n = 1 conflicts and writes nothing.
        var conflicting = await WhileRowIsChangedAsync(key, "n", [2], () => store.SaveAsync(key, Expecting(_t0, ("n", [1]), ("n", [3]))));
        Assert.Equal(SessionWriteOutcome.Conflict, conflicting);
        Assert.Equal([2], (await store.LoadAsync(key, new(_t0, null))).Record!.Values["n"]);

        // Only another key changed: the save applies on top of it.
        var merging = await WhileRowIsChangedAsync(key, "other", [6], () => store.SaveAsync(key, Expecting(_t0, ("n", [2]), ("n", [4]))));
        Assert.Equal(SessionWriteOutcome.Applied, merging);
        var merged = (await store.LoadAsync(key, new(_t0, null))).Record!;
        Assert.Equal([4], merged.Values["n"]);
        Assert.Equal([6], merged.Values["other"]);

        // A cycle moves the row its lock holder committed.
        var newKey = Key();
        var cycled = await WhileRowIsChangedAsync(key, "other", [7], () => store.CycleAsync(key, newKey, Expecting(_t0, ("n", [4]), ("user", [1])), _t0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(SessionWriteOutcome.Applied, cycled);
        var moved = (await store.LoadAsync(newKey, new(_t0, null))).Record!;
        Assert.Equal([7], moved.Values["other"]);
        Assert.Equal([1], moved.Values["user"]);
        Assert.True((await store.LoadAsync(key, new(_t0, null))).IsSuperseded);

        // An end that waited for a delete finds nothing to end and leaves no tombstone.
        var ended = await WhileRowIsChangedAsync(newKey, null, null, () => store.EndAsync(newKey, _t0, _t0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(SessionWriteOutcome.NotFound, ended);
        Assert.False((await store.LoadAsync(newKey, new(_t0, null))).IsSuperseded);
        Assert.Equal(1L, await TestPostgres.ScalarAsync($"SELECT count(*) FROM \"{_table}\";"));
    }

    [Fact]
    public async Task A_tombstone_row_has_no_values_no_user_and_no_idle_window()
    {
        await using var store = TestPostgres.CreateStore(_table);
        var key = Key();
        await store.CreateAsync(key, new SessionRecord(
            new Dictionary<string, byte[]> { ["secret"] = [1] }, _t0, Record().Lifetime, 1, "alice"));
        var end = _t0 + TimeSpan.FromMinutes(1);

        Assert.Equal(SessionWriteOutcome.Applied, await store.EndAsync(key, _t0, end));

        Assert.Equal(
            "t 0 0 t t",
            await TestPostgres.ScalarAsync(
                $"""
                SELECT concat_ws(' ', tombstone, cardinality(value_keys), cardinality(value_data), user_key IS NULL, idle_timeout_ms IS NULL)
                FROM "{_table}" WHERE key = decode(@k, 'hex') AND expires_at = @end;
                """,
                ("k", key), ("end", end)));
        Assert.False(await store.TouchAsync(key, _t0 + TimeSpan.FromSeconds(30), 0));
        Assert.Equal(0, await store.RevokeUserAsync("alice"));
        Assert.Equal(1, await store.DeleteExpiredAsync(end));
    }

    private async Task<SessionWriteOutcome> WhileRowIsChangedAsync(string key, string? name, byte[]? value, Func<ValueTask<SessionWriteOutcome>> write)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var sql = name is null
            ? $"DELETE FROM \"{_table}\" WHERE key = decode(@k, 'hex');"
            : $"""
                UPDATE "{_table}" SET value_data = (
                    SELECT array_agg(CASE WHEN o.k = convert_to(@name, 'UTF8') THEN @value ELSE o.v END ORDER BY o.i)
                    FROM unnest(value_keys, value_data) WITH ORDINALITY AS o(k, v, i))
                WHERE key = decode(@k, 'hex');
                """;
        await using (var change = new NpgsqlCommand(sql, connection, transaction))
        {
            change.Parameters.AddWithValue("k", key);
            if (name is not null)
            {
                change.Parameters.AddWithValue("name", name);
                change.Parameters.AddWithValue("value", value!);
            }

            Assert.Equal(1, await change.ExecuteNonQueryAsync());
        }

        var pending = Task.Run(async () => await write());
        await Task.Delay(300);
        Assert.False(pending.IsCompleted, "The write did not wait for the row lock.");
        await transaction.CommitAsync();
        return await pending.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static SessionChangeSet Expecting(DateTimeOffset now, (string Key, byte[]? Value) expected, params (string Key, byte[] Value)[] values)
        => new()
        {
            Now = now,
            SetValues = values.ToDictionary(v => v.Key, v => v.Value),
            ExpectedValues = new Dictionary<string, byte[]?> { [expected.Key] = expected.Value },
        };

    // The row's fields go through the decoder the envelope and Redis use (SessionRecordDecoder): each break is corruption.
    // The user key is text here, so before that decoder its length went unchecked.
    [Theory]
    [InlineData("user_key = repeat('u', 1025)")]
    [InlineData("user_key = repeat('é', 513)")]
    [InlineData("value_keys = ARRAY['\\xff'::bytea], value_data = ARRAY['\\x01'::bytea]")]
    [InlineData("value_keys = ARRAY[convert_to('a', 'UTF8'), convert_to('a', 'UTF8')], value_data = ARRAY['\\x01'::bytea, '\\x02'::bytea]")]
    [InlineData("value_keys = ARRAY[convert_to(repeat('k', 1025), 'UTF8')], value_data = ARRAY['\\x01'::bytea]")]
    [InlineData("value_keys = ARRAY[convert_to('a', 'UTF8')], value_data = ARRAY[NULL::bytea]")]
    [InlineData("expiry_mode = 7")]
    [InlineData("idle_timeout_ms = 0")]
    public async Task A_row_the_shared_decoder_refuses_loads_as_SessionDataException(string corruption)
    {
        await using var store = TestPostgres.CreateStore(_table);
        var key = Key();
        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));
        Assert.Equal([1], (await store.LoadAsync(key, new(_t0, null))).Record!.Values["a"]);

        await ExecuteAsync($"UPDATE \"{_table}\" SET {corruption} WHERE key = decode(@k, 'hex');", ("k", key));

        await Assert.ThrowsAsync<SessionDataException>(async () => await store.LoadAsync(key, new(_t0, null)));
    }

    [Fact]
    public async Task A_user_key_at_the_limit_loads()
    {
        await using var store = TestPostgres.CreateStore(_table);
        var key = Key();
        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));
        await ExecuteAsync($"UPDATE \"{_table}\" SET user_key = repeat('é', 512) WHERE key = decode(@k, 'hex');", ("k", key));

        Assert.Equal(new string('é', 512), (await store.LoadAsync(key, new(_t0, null))).Record!.UserKey);
    }

    private static async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private SessionRecord Record(params (string Key, byte[] Value)[] values) => TestRecords.Record(_t0, values);

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
