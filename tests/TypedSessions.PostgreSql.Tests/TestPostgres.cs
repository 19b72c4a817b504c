using Microsoft.Extensions.Options;
using Npgsql;
using TypedSessions.TestSupport;

namespace TypedSessions.PostgreSql.Tests;

/// <summary>Isolated tables on the PostgreSQL server the tests run against (<see cref="TestServers.Postgres"/>).</summary>
internal static class TestPostgres
{

    public static string NewTableName() => "ts_" + Guid.NewGuid().ToString("N")[..20];

    public static PostgreSqlSessionStore CreateStore(string table, int batchSize = 1000, bool createSchema = true, string? connectionString = null)
        => new(Options.Create(new PostgreSqlSessionStoreOptions
        {
            ConnectionString = connectionString ?? TestServers.Postgres,
            TableName = table,
            CleanupBatchSize = batchSize,
            CreateSchemaOnFirstUse = createSchema,
        }));

    public static async Task DropTableAsync(string table)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS \"{table}\";");
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }
}
