using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TypedSessions.PostgreSql.Tests;

/// <summary>The PostgreSQL server the tests run against, and isolated tables on it.</summary>
internal static class TestPostgres
{
    public const string Variable = "TYPEDSESSIONS_TEST_POSTGRES";

    /// <summary>The connection string from <see cref="Variable"/>; a clear failure (never a skip) when it is missing.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. These tests need a real PostgreSQL: run `bash tests/run-all.sh`, which starts a private " +
                "server on loopback and sets it (or set it yourself to an Npgsql connection string).");

    public static string NewTableName() => "ts_" + Guid.NewGuid().ToString("N")[..20];

    public static PostgreSqlSessionStore CreateStore(string table, int batchSize = 1000, bool createSchema = true, string? connectionString = null)
        => new(Options.Create(new PostgreSqlSessionStoreOptions
        {
            ConnectionString = connectionString ?? ConnectionString,
            TableName = table,
            CleanupBatchSize = batchSize,
            CreateSchemaOnFirstUse = createSchema,
        }));

    public static async Task DropTableAsync(string table)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS \"{table}\";");
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
