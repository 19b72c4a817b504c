using Microsoft.Data.Sqlite;
using TypedSessions.TestSupport;
using Xunit.Abstractions;

namespace TypedSessions.Faults.Tests;

/// <summary>A SQLite file write-locked by another connection; the file and its folder made read-only.</summary>
public sealed class SqliteFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Processes.TempFolder("ts-faults-sqlite-");

    private string DatabasePath => Path.Combine(_folder, "sessions.db");

    [Fact]
    public async Task Sqlite_write_locked_by_another_connection_fails_writes_at_the_timeout_keeps_reads_and_recovers_on_release()
    {
        await using var app = await StartAppAsync();
        SqliteConnection? holder = null;
        var window = TimeSpan.FromSeconds(4);

        var result = await FaultRun.RunAsync(
            app,
            new Fault(
                "SQLite",
                "BEGIN EXCLUSIVE held 4 s by another connection",
                async () =>
                {
                    holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
                    await holder.OpenAsync();
                    await using var begin = holder.CreateCommand();
                    begin.CommandText = "BEGIN EXCLUSIVE;";
                    await begin.ExecuteNonQueryAsync();
                },
                async () =>
                {
                    await using (var rollback = holder!.CreateCommand())
                    {
                        rollback.CommandText = "ROLLBACK;";
                        await rollback.ExecuteNonQueryAsync();
                    }

                    await holder.DisposeAsync();
                },
                ReadsMayPass: true),
            window,
            output);

        Assert.Empty(result.Violations);
        Assert.NotEmpty(result.ThatMustNotWaitForTheStore);
        Assert.All(result.ThatMustNotWaitForTheStore, e => Assert.True(e.End < result.RestoringAt, $"a request that started at {e.Start.TotalMilliseconds:F0} ms waited for the store (ended {e.End.TotalMilliseconds:F0} ms, store back at {result.RestoringAt.TotalMilliseconds:F0} ms)"));
    }

    [Fact]
    public async Task Sqlite_file_made_read_only_fails_writes_with_503_keeps_reads_and_recovers_when_writable_again()
    {
        await using var app = await StartAppAsync();
        var readOnly = new ReadOnlyFiles(DatabasePath);
        try
        {
            var result = await FaultRun.RunAsync(
                app, new Fault("SQLite", ReadOnlyFiles.Description, readOnly.ApplyAsync, readOnly.UndoAsync, ReadsMayPass: true), TimeSpan.FromSeconds(1.5), output);

            Assert.Empty(result.Violations);
        }
        finally
        {
            await readOnly.UndoAsync();
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<FaultApp> StartAppAsync()
        => FaultApp.StartAsync(
            FaultRun.StoreTimeout, "Sqlite", new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString(), b => b.AddSqliteStore());
}
