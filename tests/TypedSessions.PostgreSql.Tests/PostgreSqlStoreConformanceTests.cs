using Npgsql;
using TypedSessions.Storage;
using TypedSessions.Testing;
using TypedSessions.TestSupport;

namespace TypedSessions.PostgreSql.Tests;

public sealed class PostgreSqlStoreConformanceTests : BackendSessionStoreConformanceTests
{
    private readonly string _table = TestPostgres.NewTableName();

    protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult<ISessionStore>(TestPostgres.CreateStore(_table, batchSize: 10));

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);
        if (store is PostgreSqlSessionStore { TableName: var name } && name.Contains(_table, StringComparison.Ordinal))
        {
            await TestPostgres.DropTableAsync(_table);
        }
    }

    // Two values but no keys: the parallel arrays disagree.
    protected override async Task CorruptAsync(ISessionStore store, string key)
        => Assert.Equal(1, await ExecuteAsync($"UPDATE \"{_table}\" SET value_keys = '{{}}' WHERE key = decode(@k, 'hex');", key));

    // A loopback port nothing listens on: connection refused at once.
    protected override Task<ISessionStore> CreateUnavailableStoreAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Port = TestServers.FreePort(), Timeout = 3, CommandTimeout = 3 };
        return Task.FromResult<ISessionStore>(TestPostgres.CreateStore("ts_unreachable", connectionString: builder.ConnectionString));
    }

    private static async Task<int> ExecuteAsync(string sql, string key)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("k", key);
        return await command.ExecuteNonQueryAsync();
    }
}
