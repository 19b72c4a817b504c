using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MessagePack;
using Microsoft.AspNetCore.Session;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;
using TypedSessions.Ids;
using TypedSessions.PostgreSql;
using TypedSessions.Redis;
using TypedSessions.Sqlite;
using TypedSessions.Storage;

namespace TypedSessions.Benchmarks;

/// <summary>
/// The <c>memory-at-rest</c> mode: what N live typical sessions (<see cref="TypicalSession"/>) occupy in Redis
/// (<c>used_memory</c> delta), PostgreSQL (table + indexes) and SQLite (file), next to the built-in session
/// (<c>DistributedSession</c> over <c>RedisCache</c>) on the same Redis server. One real session is written per store
/// through the store's own API (and one through <c>DistributedSession.CommitAsync</c>); the server then copies it
/// under N - 1 new random keys of the same shape (Redis <c>DUMP</c>/<c>RESTORE</c>, SQL <c>INSERT … SELECT</c>), so every
/// copy has exactly the stored layout the library writes. A sample of copies is loaded back through the store API
/// (and <c>DistributedSession</c>) and compared byte for byte with what was written.
/// Run by <c>tests/TypedSessions.Benchmarks/memory-at-rest.sh</c>.
/// </summary>
internal static class MemoryAtRest
{
    private const string Usage =
        "usage: memory-at-rest [--sessions N] [--redis host:port] [--postgres \"<connection string>\"] [--sqlite <new file>] [--verify K] [--user-bound N]";

    /// <summary>The PostgreSQL table the mode creates (and drops first): the store's schema under a name of its own.</summary>
    private const string PostgresTable = "memory_at_rest";

    /// <summary>
    /// Copies one session under <c>#KEYS</c> new keys: <c>ARGV[1]</c> is the TTL in milliseconds, <c>ARGV[2]</c> the
    /// <c>DUMP</c> of the original key.
    /// </summary>
    private const string RestoreScript = "for i = 1, #KEYS do redis.call('RESTORE', KEYS[i], ARGV[1], ARGV[2]) end return #KEYS";

    private const int RedisBatch = 1000;
    private const int SqlBatch = 100_000;

    private static readonly MessagePackSerializerOptions Codec = SessionFactory.Coordinator.Environment.Codec.Options;

    public static async Task<int> RunAsync(string[] args)
    {
        Settings settings;
        try
        {
            settings = Settings.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + Usage);
            return 2;
        }

        var record = TypicalSession.Record(Codec);
        Console.WriteLine($"sessions: {settings.Sessions:N0}; typical session: {record.Values.Count} keys, TypedSessions payload (SessionRecord.PayloadSize) {record.PayloadSize} bytes");
        var rows = new List<Row>();
        try
        {
            if (settings.Redis is { } redis)
            {
                rows.Add(await RedisTypedAsync(redis, settings, record));
                rows.Add(await RedisBuiltInAsync(redis, settings));
                if (settings.UserBound > 0)
                {
                    rows.Add(await RedisUserBoundAsync(redis, settings.UserBound, settings.Verify, record));
                }
            }

            if (settings.Postgres is { } postgres)
            {
                rows.Add(await PostgresAsync(postgres, settings, record));
            }

            if (settings.Sqlite is { } sqlite)
            {
                rows.Add(await SqliteAsync(sqlite, settings, record));
            }
        }
        catch (MemoryAtRestException e)
        {
            await Console.Error.WriteLineAsync("memory-at-rest: " + e.Message);
            return 1;
        }

        Console.WriteLine();
        Console.WriteLine("| Store | Sessions | Before | After | Bytes per session | Measured as |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {row.Store} | {row.Sessions:N0} | {row.Before:N0} | {row.After:N0} | {(double)(row.After - row.Before) / (row.Sessions - 1):N1} | {row.MeasuredAs} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Bytes per session = (after - before) / (sessions - 1): \"before\" holds the one real session, \"after\" it and its copies.");
        return 0;
    }

    // ---- Redis: TypedSessions ----
    private static async Task<Row> RedisTypedAsync(string endpoint, Settings settings, SessionRecord record)
    {
        await using var connection = await ConnectAdminAsync(endpoint);
        var server = connection.GetServers().Single();
        var database = connection.GetDatabase();
        if (await server.DatabaseSizeAsync() != 0)
        {
            throw new MemoryAtRestException($"the Redis server at {endpoint} holds keys; the mode needs an empty server (it runs FLUSHALL between libraries).");
        }

        await using var store = new RedisSessionStore(Options.Create(new RedisSessionStoreOptions()), connection);
        var limits = (await server.ConfigGetAsync("hash-max-listpack-*")).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}");
        Console.WriteLine($"Redis {server.Version} ({string.Join(", ", limits)})");
        var id = SessionId.New();
        if (!await store.CreateAsync(id.StoreKey, record))
        {
            throw new MemoryAtRestException("RedisSessionStore.CreateAsync did not create the session.");
        }

        var original = store.RedisKeyFor(id.StoreKey);
        Describe(database, original, "TypedSessions on Redis");
        var copies = await CopyRedisKeyAsync(server, database, original, settings.Sessions - 1, () => store.KeyPrefix + RandomNumberGenerator.GetHexString(SessionStoreKey.Length, lowercase: true));

        Describe(database, copies.Keys[0], "a copy");

        // Copies loaded through the store: every value as written.
        foreach (var key in Sample(copies.Keys, settings.Verify))
        {
            var loaded = await store.LoadAsync(key[store.KeyPrefix.Length..], new SessionLoadRequest(DateTimeOffset.UtcNow, 0.25));
            Check(loaded.Record, record, key);
        }

        Console.WriteLine($"  verified: {Math.Min(settings.Verify, copies.Keys.Count)} random copies loaded through RedisSessionStore.LoadAsync, values byte-equal");
        await server.FlushAllDatabasesAsync();
        return new Row("TypedSessions, Redis", settings.Sessions, copies.Before, copies.After, $"used_memory (used_memory_dataset: {copies.DatasetPerSession:N1} B/session)");
    }

    // ---- Redis: TypedSessions, each session bound to its own user (BindUser: the @u field and the user's index) ----
    private static async Task<Row> RedisUserBoundAsync(string endpoint, int sessions, int verify, SessionRecord typical)
    {
        await using var connection = await ConnectAdminAsync(endpoint);
        var server = connection.GetServers().Single();
        var database = connection.GetDatabase();
        if (await server.DatabaseSizeAsync() != 0)
        {
            throw new MemoryAtRestException($"the Redis server at {endpoint} holds keys; the mode needs an empty server.");
        }

        // Every session is written by RedisSessionStore.CreateAsync (no copies: each one has its own user and index
        // key), with a user key shaped like ASP.NET Core Identity's NameIdentifier claim (a GUID).
        await using var store = new RedisSessionStore(Options.Create(new RedisSessionStoreOptions()), connection);
        SessionRecord Bound() => new(typical.Values, typical.CreatedAt, typical.Lifetime, userKey: Guid.NewGuid().ToString());
        var first = Bound();
        await CreateAsync(store, SessionId.New().StoreKey, first);
        Describe(database, store.UserIndexKeyFor(first.UserKey!), "user index of a user-bound session");
        var (before, datasetBefore) = await UsedMemoryAsync(server);
        var watch = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        var sample = new List<(string Key, SessionRecord Record)>();
        for (var i = 1; i < sessions; i++)
        {
            var key = SessionId.New().StoreKey;
            var record = Bound();
            if (sample.Count < verify && RandomNumberGenerator.GetInt32(sessions) < 2 * verify)
            {
                sample.Add((key, record));
            }

            inFlight.Add(CreateAsync(store, key, record));
            if (inFlight.Count == 512)
            {
                await Task.WhenAll(inFlight);
                inFlight.Clear();
            }
        }

        await Task.WhenAll(inFlight);
        var created = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (after, datasetAfter) = await UsedMemoryAsync(server);
        var size = await server.DatabaseSizeAsync();
        if (size != 2L * sessions)
        {
            throw new MemoryAtRestException($"Redis holds {size} keys, expected {2L * sessions} (a session and an index per user).");
        }

        Console.WriteLine($"  created {sessions - 1:N0} user-bound sessions through RedisSessionStore.CreateAsync in {created.TotalSeconds:N1} s; used_memory {before:N0} -> {after:N0}, used_memory_dataset {datasetBefore:N0} -> {datasetAfter:N0}");
        Describe(database, store.RedisKeyFor(sample.Count > 0 ? sample[0].Key : SessionId.New().StoreKey), "a user-bound session");
        foreach (var (key, record) in sample)
        {
            var loaded = (await store.LoadAsync(key, new SessionLoadRequest(DateTimeOffset.UtcNow, 0.25))).Record;
            Check(loaded, record, key);
            if (loaded!.UserKey != record.UserKey || !(await store.ListUserSessionKeysAsync(record.UserKey!, DateTimeOffset.UtcNow)).SequenceEqual([key]))
            {
                throw new MemoryAtRestException($"user-bound session {key} is not bound to its user.");
            }
        }

        Console.WriteLine($"  verified: {sample.Count} random sessions loaded through RedisSessionStore.LoadAsync, values byte-equal, each the only session in its user's index");
        await server.FlushAllDatabasesAsync();
        return new Row("TypedSessions, Redis, each session bound to its own user", sessions, before, after, $"used_memory (used_memory_dataset: {(double)(datasetAfter - datasetBefore) / (sessions - 1):N1} B/session)");
    }

    private static async Task CreateAsync(RedisSessionStore store, string key, SessionRecord record)
    {
        if (!await store.CreateAsync(key, record))
        {
            throw new MemoryAtRestException($"RedisSessionStore.CreateAsync did not create session {key}.");
        }
    }

    // ---- Redis: Microsoft.AspNetCore.Session over RedisCache ----
    private static async Task<Row> RedisBuiltInAsync(string endpoint, Settings settings)
    {
        await using var connection = await ConnectAdminAsync(endpoint);
        var server = connection.GetServers().Single();
        var database = connection.GetDatabase();
        if (await server.DatabaseSizeAsync() != 0)
        {
            throw new MemoryAtRestException($"the Redis server at {endpoint} holds keys; the mode needs an empty server.");
        }

        // AddStackExchangeRedisCache's defaults (no InstanceName) and AddSession's (20 min idle timeout).
        using var cache = new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection) }));
        var sessionKey = NewBuiltInSessionKey();
        var written = SessionFactory.BuiltIn(cache, sessionKey, isNew: true);
        TypicalSession.WriteBuiltIn(written);
        await written.CommitAsync();
        var expected = written.Keys.ToDictionary(k => k, k => written.TryGetValue(k, out var v) ? v : throw new UnreachableException());

        RedisKey original = sessionKey;
        var data = (long)await database.ExecuteAsync("HSTRLEN", original, "data");
        Console.WriteLine($"  built-in payload (RedisCache hash field \"data\"): {data} bytes");
        Describe(database, original, "built-in on Redis");
        var copies = await CopyRedisKeyAsync(server, database, original, settings.Sessions - 1, NewBuiltInSessionKey);

        Describe(database, copies.Keys[0], "a copy");
        foreach (var key in Sample(copies.Keys, settings.Verify))
        {
            var loaded = SessionFactory.BuiltIn(cache, key, isNew: false);
            await loaded.LoadAsync();
            if (!loaded.IsAvailable || loaded.Keys.Count() != expected.Count
                || expected.Any(e => !loaded.TryGetValue(e.Key, out var value) || !value.AsSpan().SequenceEqual(e.Value)))
            {
                throw new MemoryAtRestException($"built-in copy {key} did not load with the values written.");
            }

            if (TypicalSession.ReadBuiltIn(loaded) != TypicalSession.ReadBuiltIn(written))
            {
                throw new MemoryAtRestException($"built-in copy {key} reads differently from the original.");
            }
        }

        Console.WriteLine($"  verified: {Math.Min(settings.Verify, copies.Keys.Count)} random copies loaded through DistributedSession.LoadAsync, values byte-equal");
        await server.FlushAllDatabasesAsync();
        return new Row("built-in (Microsoft.AspNetCore.Session + RedisCache), Redis", settings.Sessions, copies.Before, copies.After, $"used_memory (used_memory_dataset: {copies.DatasetPerSession:N1} B/session)");
    }

    /// <summary>The key <c>SessionMiddleware</c> gives a new session: a GUID from 16 random bytes, as text.</summary>
    private static string NewBuiltInSessionKey() => new Guid(RandomNumberGenerator.GetBytes(16)).ToString();

    private static async Task<ConnectionMultiplexer> ConnectAdminAsync(string endpoint)
    {
        var options = ConfigurationOptions.Parse(endpoint);
        options.AllowAdmin = true;
        options.SyncTimeout = options.AsyncTimeout = 60_000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static void Describe(IDatabase database, RedisKey key, string what)
    {
        var encoding = database.Execute("OBJECT", "ENCODING", key);
        var usage = database.Execute("MEMORY", "USAGE", key, "SAMPLES", "0");
        var shape = database.KeyType(key) switch
        {
            RedisType.Hash => $"hash of {database.HashLength(key)} fields ({string.Join(' ', database.HashKeys(key).Select(f => (string?)f).Order(StringComparer.Ordinal))})",
            RedisType.SortedSet => $"sorted set of {database.SortedSetLength(key)} members",
            var other => other.ToString(),
        };
        Console.WriteLine($"  {what}: key {((string?)key)!.Length} chars, {shape}, encoding {encoding}, MEMORY USAGE {usage} bytes, TTL {database.KeyTimeToLive(key)}");
    }

    /// <summary>
    /// Copies <paramref name="original"/> under <paramref name="count"/> new keys with its remaining TTL (batched
    /// <c>RESTORE</c>s in a Lua script), measuring <c>INFO memory</c> before and after.
    /// </summary>
    private static async Task<RedisCopies> CopyRedisKeyAsync(IServer server, IDatabase database, RedisKey original, int count, Func<string> newKey)
    {
        var dump = await database.KeyDumpAsync(original) ?? throw new MemoryAtRestException($"DUMP {original} returned nothing.");
        var ttl = (long)await database.ExecuteAsync("PTTL", original);
        if (ttl <= 0)
        {
            throw new MemoryAtRestException($"{original} has no TTL ({ttl}); the stores always set one.");
        }

        // The script is cached by the server before the baseline, so its memory is in both measurements.
        await database.ScriptEvaluateAsync(RestoreScript, [], [ttl, dump]);
        var (before, datasetBefore) = await UsedMemoryAsync(server);
        var keys = new List<string>(count);
        var watch = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        for (var done = 0; done < count;)
        {
            var batch = new RedisKey[Math.Min(RedisBatch, count - done)];
            for (var i = 0; i < batch.Length; i++)
            {
                var key = newKey();
                keys.Add(key);
                batch[i] = key;
            }

            done += batch.Length;
            inFlight.Add(database.ScriptEvaluateAsync(RestoreScript, batch, [ttl, dump]));
            if (inFlight.Count == 4)
            {
                await Task.WhenAll(inFlight);
                inFlight.Clear();
            }
        }

        await Task.WhenAll(inFlight);
        var copied = watch.Elapsed;
        var size = await server.DatabaseSizeAsync();
        if (size != count + 1)
        {
            throw new MemoryAtRestException($"Redis holds {size} keys after copying, expected {count + 1}.");
        }

        // Lets serverCron shrink the client's query buffer the batches grew before measuring.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (after, datasetAfter) = await UsedMemoryAsync(server);
        Console.WriteLine($"  copied under {count:N0} keys in {copied.TotalSeconds:N1} s; used_memory {before:N0} -> {after:N0}, used_memory_dataset {datasetBefore:N0} -> {datasetAfter:N0}");
        return new RedisCopies(keys, before, after, (double)(datasetAfter - datasetBefore) / count);
    }

    private static async Task<(long Used, long Dataset)> UsedMemoryAsync(IServer server)
    {
        var info = await server.InfoRawAsync("memory") ?? string.Empty;
        long Field(string name) => long.Parse(
            info.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..],
            CultureInfo.InvariantCulture);
        return (Field("used_memory"), Field("used_memory_dataset"));
    }

    // ---- PostgreSQL ----
    private static async Task<Row> PostgresAsync(string connectionString, Settings settings, SessionRecord record)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using (var version = source.CreateCommand("SHOW server_version"))
        {
            Console.WriteLine($"PostgreSQL {await version.ExecuteScalarAsync()}");
        }

        await ExecuteAsync(source, $"DROP TABLE IF EXISTS {PostgresTable}");
        await using var store = new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions { DataSource = source, TableName = PostgresTable }));
        var id = SessionId.New();
        if (!await store.CreateAsync(id.StoreKey, record))
        {
            throw new MemoryAtRestException("PostgreSqlSessionStore.CreateAsync did not create the session.");
        }

        var before = await PostgresSizesAsync(source);

        // Every column of the real row, except a new random key (32 bytes, as the store decodes its hex key) and
        // distinct timestamps for the indexed expiry (B-tree deduplication would shrink an index of equal values).
        var columns = new List<string>();
        await using (var command = source.CreateCommand("SELECT column_name FROM information_schema.columns WHERE table_name = @t AND table_schema = current_schema() ORDER BY ordinal_position"))
        {
            command.Parameters.AddWithValue("t", PostgresTable);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }

        var select = string.Join(", ", columns.Select(c => c switch
        {
            "key" => "sha256(uuid_send(gen_random_uuid()))",
            "created_at" or "expires_at" => $"s.{c} - i * interval '1 microsecond'",
            _ => "s." + c,
        }));
        var watch = Stopwatch.StartNew();
        for (var from = 1; from < settings.Sessions; from += SqlBatch)
        {
            await using var command = source.CreateCommand(
                $"INSERT INTO {PostgresTable} ({string.Join(", ", columns)}) SELECT {select} FROM {PostgresTable} s CROSS JOIN generate_series(@from, @to) AS i WHERE s.key = @key");
            command.CommandTimeout = 0;
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", Math.Min(from + SqlBatch - 1, settings.Sessions - 1));
            command.Parameters.AddWithValue("key", Convert.FromHexString(id.StoreKey));
            await command.ExecuteNonQueryAsync();
        }

        var copied = watch.Elapsed;
        var after = await PostgresSizesAsync(source);
        await using (var count = source.CreateCommand($"SELECT count(*) FROM {PostgresTable}"))
        {
            var rows = (long)(await count.ExecuteScalarAsync())!;
            if (rows != settings.Sessions)
            {
                throw new MemoryAtRestException($"PostgreSQL holds {rows} rows after copying, expected {settings.Sessions}.");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  PostgreSQL: copied in {copied.TotalSeconds:N1} s; after VACUUM ANALYZE: table (pg_table_size) {before.Table:N0} -> {after.Table:N0}, indexes (pg_indexes_size) {before.Indexes:N0} -> {after.Indexes:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  PostgreSQL per session: table {(double)(after.Table - before.Table) / (settings.Sessions - 1):N1} B, indexes {(double)(after.Indexes - before.Indexes) / (settings.Sessions - 1):N1} B ({after.IndexDetail})"));

        var sample = new List<string>();
        await using (var command = source.CreateCommand($"SELECT encode(key, 'hex') FROM {PostgresTable} WHERE key <> @key ORDER BY random() LIMIT @n"))
        {
            command.Parameters.AddWithValue("key", Convert.FromHexString(id.StoreKey));
            command.Parameters.AddWithValue("n", settings.Verify);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sample.Add(reader.GetString(0));
            }
        }

        foreach (var key in sample)
        {
            Check((await store.LoadAsync(key, new SessionLoadRequest(DateTimeOffset.UtcNow, 0.25))).Record, record, key);
        }

        Console.WriteLine($"  verified: {sample.Count} random copies loaded through PostgreSqlSessionStore.LoadAsync, values byte-equal");
        await ExecuteAsync(source, $"DROP TABLE {PostgresTable}");
        return new Row("TypedSessions, PostgreSQL", settings.Sessions, before.Total, after.Total, "pg_total_relation_size after VACUUM ANALYZE (table + TOAST + indexes)");
    }

    private static async Task<PostgresSizes> PostgresSizesAsync(NpgsqlDataSource source)
    {
        await ExecuteAsync(source, $"VACUUM ANALYZE {PostgresTable}");
        await using var command = source.CreateCommand(
            $"SELECT pg_table_size('{PostgresTable}'), pg_indexes_size('{PostgresTable}'), pg_total_relation_size('{PostgresTable}'), " +
            $"(SELECT string_agg(indexrelid::regclass || ' ' || pg_size_pretty(pg_relation_size(indexrelid)), ', ' ORDER BY indexrelid::regclass::text) FROM pg_index WHERE indrelid = '{PostgresTable}'::regclass)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new PostgresSizes(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
    }

    private static async Task ExecuteAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    // ---- SQLite ----
    private static async Task<Row> SqliteAsync(string file, Settings settings, SessionRecord record)
    {
        if (File.Exists(file))
        {
            throw new MemoryAtRestException($"{file} exists; give a new file for the SQLite database.");
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = file }.ToString();
        using var store = new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions { ConnectionString = connectionString }));
        var id = SessionId.New();
        if (!await store.CreateAsync(id.StoreKey, record))
        {
            throw new MemoryAtRestException("SqliteSessionStore.CreateAsync did not create the session.");
        }

        const string table = "typedsessions";
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        Console.WriteLine($"SQLite {connection.ServerVersion}");
        var before = await SqliteSizeAsync(connection, file);

        // Every column of the real row as a parameter, except a new random 64-hex key and a distinct expiry.
        var columns = new List<string>();
        var values = new List<object>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT * FROM {table} WHERE key = $key";
            command.Parameters.AddWithValue("$key", id.StoreKey);
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                throw new MemoryAtRestException("the SQLite session row is missing.");
            }

            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns.Add(reader.GetName(i));
                values.Add(reader.GetValue(i));
            }
        }

        var select = string.Join(", ", columns.Select((c, i) => c switch
        {
            "key" => "lower(hex(randomblob(32)))",
            "expires_at" => $"$p{i} - (n.i % 60000)",
            _ => $"$p{i}",
        }));
        var watch = Stopwatch.StartNew();
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            for (var done = 1; done < settings.Sessions; done += SqlBatch)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandTimeout = 0;
                command.CommandText =
                    $"INSERT INTO {table} ({string.Join(", ", columns)}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count) SELECT {select} FROM n";
                command.Parameters.AddWithValue("$count", Math.Min(SqlBatch, settings.Sessions - done));
                for (var i = 0; i < values.Count; i++)
                {
                    command.Parameters.AddWithValue($"$p{i}", values[i]);
                }

                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        var copied = watch.Elapsed;
        var after = await SqliteSizeAsync(connection, file);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT count(*) FROM {table}";
            var rows = (long)(await command.ExecuteScalarAsync())!;
            if (rows != settings.Sessions)
            {
                throw new MemoryAtRestException($"SQLite holds {rows} rows after copying, expected {settings.Sessions}.");
            }
        }

        Console.WriteLine($"  SQLite: copied in {copied.TotalSeconds:N1} s; file {before.Bytes:N0} -> {after.Bytes:N0} bytes ({after.Detail})");
        var sample = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT key FROM {table} WHERE key <> $key ORDER BY random() LIMIT $n";
            command.Parameters.AddWithValue("$key", id.StoreKey);
            command.Parameters.AddWithValue("$n", settings.Verify);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sample.Add(reader.GetString(0));
            }
        }

        foreach (var key in sample)
        {
            Check((await store.LoadAsync(key, new SessionLoadRequest(DateTimeOffset.UtcNow, 0.25))).Record, record, key);
        }

        Console.WriteLine($"  verified: {sample.Count} random copies loaded through SqliteSessionStore.LoadAsync, values byte-equal");
        return new Row("TypedSessions, SQLite", settings.Sessions, before.Bytes, after.Bytes, "file size (page_count × page_size) after PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static async Task<SqliteSize> SqliteSizeAsync(SqliteConnection connection, string file)
    {
        async Task<long> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return reader.GetInt64(0);
        }

        var busy = await Scalar("PRAGMA wal_checkpoint(TRUNCATE)");
        if (busy != 0)
        {
            throw new MemoryAtRestException("the SQLite checkpoint was blocked by a reader.");
        }

        var pages = await Scalar("PRAGMA page_count");
        var pageSize = await Scalar("PRAGMA page_size");
        var free = await Scalar("PRAGMA freelist_count");
        var length = new FileInfo(file).Length;
        var wal = File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0;
        if (length != pages * pageSize)
        {
            throw new MemoryAtRestException($"the SQLite file is {length} bytes, page_count × page_size says {pages * pageSize}.");
        }

        return new SqliteSize(length, string.Create(CultureInfo.InvariantCulture, $"{pages:N0} pages of {pageSize} bytes, {free} free; WAL {wal} bytes"));
    }

    // ---- shared ----
    private static void Check(SessionRecord? loaded, SessionRecord written, string key)
    {
        if (loaded is null || loaded.Values.Count != written.Values.Count
            || written.Values.Any(v => !loaded.Values.TryGetValue(v.Key, out var value) || !value.AsSpan().SequenceEqual(v.Value)))
        {
            throw new MemoryAtRestException($"copy {key} did not load with the values written.");
        }

        if (MessagePackSerializer.Deserialize<List<CartLine>>(loaded.Values["cart"], Codec).SequenceEqual(TypicalSession.Cart) is false)
        {
            throw new MemoryAtRestException($"copy {key} holds a different cart.");
        }
    }

    private static IEnumerable<string> Sample(IReadOnlyList<string> keys, int count)
    {
        for (var i = 0; i < Math.Min(count, keys.Count); i++)
        {
            yield return keys[RandomNumberGenerator.GetInt32(keys.Count)];
        }
    }

    private sealed record Row(string Store, long Sessions, long Before, long After, string MeasuredAs);

    private sealed record RedisCopies(IReadOnlyList<string> Keys, long Before, long After, double DatasetPerSession);

    private sealed record PostgresSizes(long Table, long Indexes, long Total, string IndexDetail);

    private sealed record SqliteSize(long Bytes, string Detail);

    private sealed record Settings(int Sessions, string? Redis, string? Postgres, string? Sqlite, int Verify, int UserBound)
    {
        public static Settings Parse(string[] args)
        {
            var sessions = 1_000_000;
            var verify = 20;
            var userBound = 0;
            string? redis = null, postgres = null, sqlite = null;
            for (var i = 1; i < args.Length; i++)
            {
                var name = args[i];
                var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
                switch (name)
                {
                    case "--sessions": sessions = Number(name, value, min: 2); break;
                    case "--verify": verify = Number(name, value, min: 1); break;
                    case "--user-bound": userBound = Number(name, value, min: 0); break;
                    case "--redis": redis = value; break;
                    case "--postgres": postgres = value; break;
                    case "--sqlite": sqlite = value; break;
                    default: throw new ArgumentException($"unknown option {name}.");
                }
            }

            if (redis is null && postgres is null && sqlite is null)
            {
                throw new ArgumentException("give at least one of --redis, --postgres, --sqlite.");
            }

            if (userBound > 0 && redis is null)
            {
                throw new ArgumentException("--user-bound measures Redis: give --redis too.");
            }

            if (userBound == 1)
            {
                throw new ArgumentException("--user-bound needs at least 2 sessions (or 0 for none).");
            }

            return new Settings(sessions, redis, postgres, sqlite, verify, userBound);
        }

        private static int Number(string name, string value, int min)
            => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{name} must be a whole number of at least {min}, not '{value}'.");
    }

    private sealed class MemoryAtRestException(string message) : Exception(message);
}
