using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSessions.PostgreSql;
using TypedSessions.Redis;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.TestSupport;

namespace TypedSessions.Tests.Integration;

/// <summary>The real stores pipeline tests run on: memory, a SQLite file, and the Redis and PostgreSQL servers tests/run-all.sh starts.</summary>
public enum TestStore
{
    /// <summary>The in-memory store.</summary>
    Memory,

    /// <summary>A SQLite file in a temp folder.</summary>
    Sqlite,

    /// <summary>The test Redis server (<see cref="TestServers.Redis"/>), under a key prefix of its own.</summary>
    Redis,

    /// <summary>The test PostgreSQL server (<see cref="TestServers.Postgres"/>), in a table of its own.</summary>
    PostgreSql,
}

/// <summary>
/// Makes the store of one <see cref="TestStore"/> for a <see cref="TestApp"/> and removes what it stored (<see cref="CleanUpAsync"/>: the SQLite
/// folder, the Redis keys, the PostgreSQL table). A missing server fails the test, never skips it.
/// </summary>
internal sealed class TestStores(TestStore kind)
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> Redis = new(() => ConnectionMultiplexer.ConnectAsync(TestServers.Redis));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ts-pipeline-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _prefix = "ts-pipeline:" + Guid.NewGuid().ToString("N")[..12] + ":";
    private readonly string _table = "ts_pipeline_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The store factory for <see cref="TestApp.StartAsync"/> (<see langword="null"/>: its memory store).</summary>
    public async Task<Func<IServiceProvider, ISessionStore>?> FactoryAsync()
    {
        switch (kind)
        {
            case TestStore.Sqlite:
                Directory.CreateDirectory(_folder);
                var file = Path.Combine(_folder, "sessions-" + Guid.NewGuid().ToString("N")[..8] + ".db");
                return _ => new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={file}" }));
            case TestStore.Redis:
                var connection = await Redis.Value;
                return _ => new RedisSessionStore(Options.Create(new RedisSessionStoreOptions { KeyPrefix = _prefix }), connection);
            case TestStore.PostgreSql:
                return _ => new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions { ConnectionString = TestServers.Postgres, TableName = _table }));
            default:
                return null;
        }
    }

    public async Task CleanUpAsync()
    {
        if (kind == TestStore.Sqlite && Directory.Exists(_folder))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }

        if (kind == TestStore.PostgreSql)
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(TestServers.Postgres);
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS \"{_table}\";");
            await drop.ExecuteNonQueryAsync();
        }

        if (kind == TestStore.Redis && Redis.IsValueCreated)
        {
            var connection = await Redis.Value;
            var keys = new List<RedisKey>();
            await foreach (var key in connection.GetServers().Single().KeysAsync(pattern: _prefix + "*"))
            {
                keys.Add(key);
            }

            if (keys.Count > 0)
            {
                await connection.GetDatabase().KeyDeleteAsync([.. keys]);
            }
        }
    }
}
