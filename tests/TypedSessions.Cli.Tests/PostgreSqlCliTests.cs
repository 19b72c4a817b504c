using Microsoft.Extensions.Options;
using Npgsql;
using TypedSessions.PostgreSql;
using TypedSessions.TestSupport;

namespace TypedSessions.Cli.Tests;

/// <summary>The tool against the real PostgreSQL server, each test in its own table.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class PostgreSqlCliTests : IAsyncLifetime
{
    private readonly string _table = "ts_cli_" + Guid.NewGuid().ToString("N")[..16];
    private PostgreSqlSessionStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions { ConnectionString = TestServers.Postgres, TableName = _table }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS \"{_table}\";");
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Clear_expired_deletes_exactly_the_expired_sessions_and_keeps_the_live_ones()
    {
        var expired = await Seed.CreateAsync(_store, 23, _ => Seed.Expired());
        var live = await Seed.CreateAsync(_store, 9, _ => Seed.Live());

        var run = await Cli.RunAsync("clear-expired", "--store", "postgresql", "--connection", TestServers.Postgres, "--table", _table, "--batch-size", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Deleted 23 expired sessions from PostgreSql", run.Out);
        foreach (var key in live)
        {
            Assert.True(await Seed.ExistsAsync(_store, key));
        }

        foreach (var key in expired)
        {
            Assert.Null(await TestScalarAsync($"SELECT 1 FROM \"{_table}\" WHERE key = decode('{key}', 'hex');"));
        }

        var stats = await _store.GetStatisticsAsync(DateTimeOffset.UtcNow);
        Assert.Equal((9L, 0L), (stats.Live, stats.Expired));
    }

    [Fact]
    public async Task Stats_reports_the_seeded_counts_and_exact_payload_sizes()
    {
        // PostgreSQL sizes are the keys and values: "cart" (4 bytes) plus the value.
        foreach (var payload in new[] { 96, 196, 296, 396 })
        {
            Assert.True(await _store.CreateAsync(Seed.NewKey(), Seed.Live(payload)));
        }

        await Seed.CreateAsync(_store, 3, _ => Seed.Expired());

        var run = await Cli.RunAsync("stats", "--json", "--store", "postgresql", "--connection", TestServers.Postgres, "--table", _table);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal((7L, 4L, 3L), (root.GetProperty("total").GetInt64(), root.GetProperty("live").GetInt64(), root.GetProperty("expired").GetInt64()));
        var sizes = root.GetProperty("sizeBytes");
        Assert.Equal(1000, sizes.GetProperty("total").GetInt64());
        Assert.Equal(100, sizes.GetProperty("min").GetInt64());
        Assert.Equal(250, sizes.GetProperty("median").GetDouble(), 6);
        Assert.Equal(370, sizes.GetProperty("p90").GetDouble(), 6);
        Assert.Equal(397, sizes.GetProperty("p99").GetDouble(), 6);
        Assert.Equal(400, sizes.GetProperty("max").GetInt64());
    }

    [Fact]
    public async Task Revoke_user_ends_only_that_users_sessions()
    {
        var alice = await Seed.CreateAsync(_store, 2, _ => Seed.Live(user: "alice"));
        var bob = await Seed.CreateAsync(_store, 2, _ => Seed.Live(user: "bob"));

        var run = await Cli.RunAsync("revoke-user", "alice", "-y", "--store", "postgresql", "--connection", TestServers.Postgres, "--table", _table);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Revoked 2 sessions of user 'alice'", run.Out);
        Assert.All(alice, key => Assert.False(Seed.ExistsAsync(_store, key).GetAwaiter().GetResult()));
        Assert.All(bob, key => Assert.True(Seed.ExistsAsync(_store, key).GetAwaiter().GetResult()));
    }

    [Fact]
    public async Task Sessions_lists_a_users_devices_as_text_and_json_and_changes_nothing()
    {
        var alice = await Seed.CreateAsync(_store, 2, _ => Seed.Live(user: "alice"));
        await Seed.CreateAsync(_store, 1, _ => Seed.Live(user: "bob"));

        var text = await Cli.RunAsync("sessions", "alice", "--store", "postgresql", "--connection", TestServers.Postgres, "--table", _table);
        var json = await Cli.RunAsync("sessions", "alice", "--json", "--store", "postgresql", "--connection", TestServers.Postgres, "--table", _table);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("2 signed-in devices of user 'alice'", text.Out);
        foreach (var key in alice)
        {
            // Without device records each session is its own entry, named by its store key's first 16 characters.
            Assert.Contains(key[..16], text.Out);
            Assert.True(await Seed.ExistsAsync(_store, key));
        }

        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(2, document.RootElement.GetArrayLength());
        Assert.All(document.RootElement.EnumerateArray(), d => Assert.Equal(1, d.GetProperty("sessions").GetInt32()));
    }

    private static async Task<object?> TestScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task An_unreachable_server_exits_with_the_store_code()
    {
        var connection = $"Host=127.0.0.1;Port={TestServers.FreePort()};Username=postgres;Timeout=3";

        var run = await Cli.RunAsync("clear-expired", "--store", "postgresql", "--connection", connection);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("unreachable or failed", run.Error);
        Assert.DoesNotContain("Deleted", run.Out);
    }
}
