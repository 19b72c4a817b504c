using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TypedSessions.Sqlite;

namespace TypedSessions.Sqlite.Tests;

/// <summary>A real SQLite file in a fresh temp folder, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "ts-sqlite-" + Guid.NewGuid().ToString("N"));
        Path_ = System.IO.Path.Combine(Folder, "data", "sessions.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path_ }.ToString();
    }

    public string Folder { get; }

    public string Path_ { get; }

    public string ConnectionString { get; }

    public SqliteSessionStore CreateStore(int batchSize = 1000)
        => new(Options.Create(new SqliteSessionStoreOptions { ConnectionString = ConnectionString, CleanupBatchSize = batchSize }));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
