using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using TypedSessions.PostgreSql;
using TypedSessions.Storage;
using TypedSessions.Testing;

namespace TypedSessions.Testing.XunitV3.Tests;

/// <summary>
/// The kit on the PostgreSQL store under xunit v3, against a real server named by the
/// <c>TYPEDSESSIONS_TEST_POSTGRES</c> environment variable (an Npgsql connection string; tests/run-all.sh
/// starts a private server and sets it). Each test gets its own table, dropped afterwards.
/// </summary>
public sealed class PostgreSqlStoreConformanceTests : BackendSessionStoreConformanceTests
{
    private const string ServerVariable = "TYPEDSESSIONS_TEST_POSTGRES";

    private readonly string _table = "kit_" + Guid.NewGuid().ToString("N")[..20];

    // A missing server fails the tests with a message saying what to set; it never skips them.
    private static string ConnectionString => Environment.GetEnvironmentVariable(ServerVariable)
        ?? throw new InvalidOperationException($"Set {ServerVariable} to an Npgsql connection string of a PostgreSQL server the tests may create tables on.");

    protected override Task<ISessionStore> CreateStoreAsync()
        => Task.FromResult<ISessionStore>(new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions
        {
            ConnectionString = ConnectionString,
            TableName = _table,
            CleanupBatchSize = 10,
        })));

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);

        // Also called for the store of CreateUnavailableStoreAsync, which has no table.
        if (ReferenceEquals(store, Store))
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS \"{_table}\";");
        }
    }

    // Two stored values but no keys: the parallel arrays disagree.
    protected override async Task CorruptAsync(ISessionStore store, string key)
        => Assert.Equal(1, await ExecuteAsync($"UPDATE \"{_table}\" SET value_keys = '{{}}' WHERE key = decode(@k, 'hex');", key));

    // A loopback port nothing listens on: every connection is refused at once.
    protected override Task<ISessionStore> CreateUnavailableStoreAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = UnusedPort(), Timeout = 3, CommandTimeout = 3 };
        return Task.FromResult<ISessionStore>(new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions
        {
            ConnectionString = builder.ConnectionString,
            TableName = "kit_unreachable",
        })));
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<int> ExecuteAsync(string sql, string? key = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        if (key is not null)
        {
            command.Parameters.AddWithValue("k", key);
        }

        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
