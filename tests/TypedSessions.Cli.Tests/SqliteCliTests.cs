using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TypedSessions.Sqlite;
using TypedSessions.Storage;

namespace TypedSessions.Cli.Tests;

/// <summary>The tool against a real SQLite file.</summary>
public sealed class SqliteCliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ts-cli-" + Guid.NewGuid().ToString("N"));

    public SqliteCliTests() => Directory.CreateDirectory(_folder);

    private string Database => Path.Combine(_folder, "sessions.db");

    private string Connection => new SqliteConnectionStringBuilder { DataSource = Database }.ToString();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Clear_expired_deletes_exactly_the_expired_sessions_and_keeps_the_live_ones()
    {
        using var store = CreateStore();
        var expired = await Seed.CreateAsync(store, 25, _ => Seed.Expired());
        var live = await Seed.CreateAsync(store, 10, _ => Seed.Live());

        var run = await Cli.RunAsync("clear-expired", "--store", "sqlite", "--connection", Connection, "--batch-size", "7");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Deleted 25 expired sessions", run.Out);
        Assert.Equal(10L, await ScalarAsync("SELECT COUNT(*) FROM typedsessions;"));
        foreach (var key in live)
        {
            Assert.True(await Seed.ExistsAsync(store, key));
        }

        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM typedsessions WHERE key IN ({string.Join(", ", expired.Select(k => $"'{k}'"))});"));
    }

    [Fact]
    public async Task Dry_run_counts_the_expired_sessions_and_deletes_nothing()
    {
        using var store = CreateStore();
        await Seed.CreateAsync(store, 4, _ => Seed.Expired());
        await Seed.CreateAsync(store, 3, _ => Seed.Live());

        var run = await Cli.RunAsync("clear-expired", "--dry-run", "-s", "sqlite", "-c", Connection);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("4 expired sessions would be deleted", run.Out);
        Assert.Contains("3 live sessions stay", run.Out);
        Assert.Equal(7L, await ScalarAsync("SELECT COUNT(*) FROM typedsessions;"));
    }

    [Fact]
    public async Task The_progress_bar_is_drawn_on_a_terminal_and_ends_at_100_percent()
    {
        using var store = CreateStore();
        await Seed.CreateAsync(store, 12, _ => Seed.Expired());

        var terminal = await Cli.RunAsync(true, "clear-expired", "-s", "sqlite", "-c", Connection, "--batch-size", "5");
        Assert.True(terminal.ExitCode == 0, terminal.ToString());
        Assert.Contains("\r[", terminal.Error);
        Assert.Contains("100% 12/12 deleted", terminal.Error);
        Assert.DoesNotContain("[", terminal.Out);

        await Seed.CreateAsync(store, 3, _ => Seed.Expired());
        var quiet = await Cli.RunAsync(true, "clear-expired", "-s", "sqlite", "-c", Connection, "--quiet");
        Assert.Equal((0, string.Empty, string.Empty), (quiet.ExitCode, quiet.Out, quiet.Error));
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM typedsessions;"));
    }

    [Fact]
    public async Task Ctrl_C_stops_between_batches_with_exit_code_130_and_keeps_what_was_deleted()
    {
        using var store = CreateStore();
        await Seed.CreateAsync(store, 40, _ => Seed.Expired());
        using var cancellation = new CancellationTokenSource();
        using var output = new StringWriter();

        // Ctrl+C as soon as the progress bar is first drawn, i.e. after the store counted and before its first batch ends.
        using var error = new CancelOnWrite(cancellation);
        var console = new CliConsole(output, error, new StringReader(string.Empty), ErrorIsTerminal: true, InputIsInteractive: false);

        var code = await TypedSessionsCli.RunAsync(["clear-expired", "-s", "sqlite", "-c", Connection, "--batch-size", "1"], console, cancellation.Token);

        Assert.Equal(130, code);
        var message = System.Text.RegularExpressions.Regex.Match(error.ToString(), @"cancelled after deleting (\d+) expired sessions; they stay deleted");
        Assert.True(message.Success, error.ToString());
        Assert.DoesNotContain("Deleted", output.ToString());
        var left = (long)(await ScalarAsync("SELECT COUNT(*) FROM typedsessions;"))!;
        Assert.True(left > 0);
        Assert.Equal(40, left + long.Parse(message.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Stats_reports_the_seeded_counts_and_the_sizes_of_the_live_sessions()
    {
        using var store = CreateStore();
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var payloads = new[] { 50, 100, 150, 200, 250 };
        var records = payloads.Select(p => Seed.Record(now, p)).ToList();
        foreach (var record in records)
        {
            Assert.True(await store.CreateAsync(Seed.NewKey(), record));
        }

        await Seed.CreateAsync(store, 6, _ => Seed.Expired(payload: 9000));
        var expected = SessionSizeSummary.FromSizes(records.Select(r => (long)SessionEnvelope.Serialize(r).Length).ToArray());

        var run = await Cli.RunAsync("stats", "--json", "--store", "sqlite", "--connection", Connection);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("Sqlite", root.GetProperty("store").GetString());
        Assert.Equal(11, root.GetProperty("total").GetInt64());
        Assert.Equal(5, root.GetProperty("live").GetInt64());
        Assert.Equal(6, root.GetProperty("expired").GetInt64());
        var sizes = root.GetProperty("sizeBytes");
        Assert.Equal(expected.TotalBytes, sizes.GetProperty("total").GetInt64());
        Assert.Equal(expected.Min, sizes.GetProperty("min").GetInt64());
        Assert.Equal(expected.Median, sizes.GetProperty("median").GetDouble());
        Assert.Equal(expected.P90, sizes.GetProperty("p90").GetDouble(), 6);
        Assert.Equal(expected.P99, sizes.GetProperty("p99").GetDouble(), 6);
        Assert.Equal(expected.Max, sizes.GetProperty("max").GetInt64());
        Assert.Equal(expected.Min + 200, expected.Max);

        var text = await Cli.RunAsync("stats", "--store", "sqlite", "--connection", Connection);
        Assert.Contains("Sessions:  11 (5 live, 6 expired)", text.Out);
        Assert.Contains("median   " + expected.Median.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), text.Out);
    }

    [Fact]
    public async Task Revoke_user_ends_only_that_users_sessions()
    {
        using var store = CreateStore();
        var alice = await Seed.CreateAsync(store, 3, _ => Seed.Live(user: "alice"));
        var others = new List<string>();
        others.AddRange(await Seed.CreateAsync(store, 2, _ => Seed.Live(user: "bob")));
        others.AddRange(await Seed.CreateAsync(store, 1, _ => Seed.Live(user: "Alice")));
        others.AddRange(await Seed.CreateAsync(store, 2, _ => Seed.Live()));

        var run = await Cli.RunAsync("revoke-user", "alice", "--yes", "--store", "sqlite", "--connection", Connection);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Revoked 3 sessions of user 'alice'", run.Out);
        foreach (var key in alice)
        {
            Assert.False(await Seed.ExistsAsync(store, key));
        }

        foreach (var key in others)
        {
            Assert.True(await Seed.ExistsAsync(store, key));
        }
    }

    [Fact]
    public async Task Revoke_user_without_yes_on_a_non_interactive_stdin_deletes_nothing()
    {
        using var store = CreateStore();
        var alice = await Seed.CreateAsync(store, 1, _ => Seed.Live(user: "alice"));

        var run = await Cli.RunAsync("revoke-user", "alice", "--store", "sqlite", "--connection", Connection);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--yes", run.Error);
        Assert.True(await Seed.ExistsAsync(store, alice[0]));
    }

    [Fact]
    public async Task Config_reads_the_store_from_the_named_section_of_an_appsettings_file()
    {
        using var store = CreateStore();
        await Seed.CreateAsync(store, 2, _ => Seed.Expired());
        await Seed.CreateAsync(store, 1, _ => Seed.Live());
        var config = Path.Combine(_folder, "appsettings.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              // comments are allowed, as in an app's appsettings.json
              "TypedSessions": { "Store": "Redis", "ConnectionString": "127.0.0.1:1" },
              "OtherSessions": { "Store": "Sqlite", "ConnectionString": {{JsonSerializer.Serialize(Connection)}} }
            }
            """);

        var run = await Cli.RunAsync("clear-expired", "--config", config, "--section", "OtherSessions");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Deleted 2 expired sessions from Sqlite (file " + Database + ")", run.Out);
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM typedsessions;"));
    }

    [Fact]
    public async Task Config_of_the_ShopSample_finds_its_default_database_under_the_apps_folder()
    {
        // The sample's own appsettings.json: Store Sqlite, no connection string, so App_Data/sessions.db next to it.
        var app = Path.Combine(_folder, "app");
        Directory.CreateDirectory(Path.Combine(app, "App_Data"));
        File.Copy(Path.Combine(RepositoryRoot(), "samples", "ShopSample", "appsettings.json"), Path.Combine(app, "appsettings.json"));
        var database = Path.Combine(app, "App_Data", "sessions.db");
        using (var store = new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions { ConnectionString = "Data Source=" + database })))
        {
            await Seed.CreateAsync(store, 3, _ => Seed.Live());
            await Seed.CreateAsync(store, 1, _ => Seed.Expired());
        }

        var run = await Cli.RunAsync("stats", "--config", Path.Combine(app, "appsettings.json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Store:     Sqlite (file " + database + ")", run.Out);
        Assert.Contains("Sessions:  4 (3 live, 1 expired)", run.Out);
    }

    [Fact]
    public async Task A_missing_database_file_is_a_configuration_error_and_is_not_created()
    {
        var missing = Path.Combine(_folder, "typo", "sesions.db");

        var run = await Cli.RunAsync("stats", "--store", "sqlite", "--connection", "Data Source=" + missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
        Assert.False(File.Exists(missing));
    }

    private sealed class CancelOnWrite(CancellationTokenSource cancellation) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            cancellation.Cancel();
        }
    }

    private SqliteSessionStore CreateStore() => new(Options.Create(new SqliteSessionStoreOptions { ConnectionString = Connection }));

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(Connection);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "TypedSessions.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("TypedSessions.sln not found above " + AppContext.BaseDirectory);
    }
}
