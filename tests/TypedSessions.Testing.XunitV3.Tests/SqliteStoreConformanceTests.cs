using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.Testing;

namespace TypedSessions.Testing.XunitV3.Tests;

/// <summary>
/// The kit on the SQLite store under xunit v3, written the way a store author outside this repository
/// would (no shared test helpers): a fresh database file per test, the three hooks a backend store needs.
/// </summary>
public sealed class SqliteStoreConformanceTests : BackendSessionStoreConformanceTests
{
    // xunit makes one instance per test, so each test gets its own folder and database file.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ts-kit-v3-" + Guid.NewGuid().ToString("N"));

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "sessions.db") }.ToString();

    // The kit disposes the store after each test; the database folder goes with it. (Not IDisposable: under xunit v3 a
    // class that is also IAsyncDisposable, as the kit is, gets only DisposeAsync.)
    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override Task<ISessionStore> CreateStoreAsync()
        => Task.FromResult<ISessionStore>(new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions
        {
            ConnectionString = ConnectionString,
            CleanupBatchSize = 10, // several cleanup batches in the delete-expired test
        })));

    // Bytes that are not a session envelope in place of the stored data.
    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE typedsessions SET data = x'c1c1c1' WHERE key = $k;";
        command.Parameters.AddWithValue("$k", key);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }

    // Read-write without create on a file that does not exist: every open fails at once.
    protected override Task<ISessionStore> CreateUnavailableStoreAsync()
    {
        var missing = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "missing", "none.db"), Mode = SqliteOpenMode.ReadWrite };
        return Task.FromResult<ISessionStore>(new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions { ConnectionString = missing.ToString() })));
    }
}
