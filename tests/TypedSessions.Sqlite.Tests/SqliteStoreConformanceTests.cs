using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Testing;

namespace TypedSessions.Sqlite.Tests;

public sealed class SqliteStoreConformanceTests : BackendSessionStoreConformanceTests, IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult<ISessionStore>(_db.CreateStore(batchSize: 10));

    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE typedsessions SET data = x'c1c1c1' WHERE key = $k;";
        command.Parameters.AddWithValue("$k", key);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    // Read-write without create on a file that does not exist: every open fails at once.
    protected override Task<ISessionStore> CreateUnavailableStoreAsync()
    {
        var missing = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_db.Folder, "missing", "none.db"), Mode = SqliteOpenMode.ReadWrite };
        return Task.FromResult<ISessionStore>(new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions { ConnectionString = missing.ToString() })));
    }
}
