using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSessions.Redis;
using TypedSessions.TestSupport;

namespace TypedSessions.Cli.Tests;

/// <summary>
/// The tool against a real Redis server and against the 6-node Redis Cluster (3 primaries: <c>stats</c>,
/// <c>clear-expired</c> and <c>revoke-user</c> reach sessions on every primary), each test under its own key prefix.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public abstract class RedisCliTests : IAsyncLifetime
{
    private readonly string _prefix = "ts-cli:" + Guid.NewGuid().ToString("N")[..12] + ":";
    private protected ConnectionMultiplexer _connection = null!;
    private protected RedisSessionStore _store = null!;

    /// <summary>The connection string of the server or cluster under test.</summary>
    protected abstract string Server { get; }

    public async Task InitializeAsync()
    {
        _connection = await ConnectionMultiplexer.ConnectAsync(Server);
        _store = new RedisSessionStore(Options.Create(new RedisSessionStoreOptions { KeyPrefix = _prefix }), _connection);
    }

    public async Task DisposeAsync()
    {
        // One DEL per key: a cluster refuses a DEL of keys in different hash slots.
        var database = _connection.GetDatabase();
        foreach (var server in _connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
            {
                await database.KeyDeleteAsync(key);
            }
        }

        await _store.DisposeAsync();
        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task Clear_expired_deletes_exactly_the_expired_sessions_and_keeps_the_live_ones()
    {
        // Redis keeps these until their TTL (set from the creation instant), though their stored expiry has passed.
        var expired = await Seed.CreateAsync(_store, 14, _ => Seed.Expired());
        var live = await Seed.CreateAsync(_store, 6, _ => Seed.Live(user: "carol"));

        var run = await Cli.RunAsync("clear-expired", "--store", "redis", "--connection", Server, "--key-prefix", _prefix, "--batch-size", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Deleted 14 expired sessions from Redis", run.Out);
        var database = _connection.GetDatabase();
        foreach (var key in expired)
        {
            Assert.False(await database.KeyExistsAsync(_store.RedisKeyFor(key)));
        }

        foreach (var key in live)
        {
            Assert.True(await Seed.ExistsAsync(_store, key));
        }
    }

    [Fact]
    public async Task Stats_reports_the_seeded_counts_and_exact_payload_sizes_without_counting_user_indexes()
    {
        foreach (var payload in new[] { 46, 96, 146 })
        {
            Assert.True(await _store.CreateAsync(Seed.NewKey(), Seed.Live(payload, user: "dave")));
        }

        await Seed.CreateAsync(_store, 2, _ => Seed.Expired());

        var run = await Cli.RunAsync("stats", "--json", "--store", "redis", "--connection", Server, "--key-prefix", _prefix);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal((5L, 3L, 2L), (root.GetProperty("total").GetInt64(), root.GetProperty("live").GetInt64(), root.GetProperty("expired").GetInt64()));
        var sizes = root.GetProperty("sizeBytes");
        Assert.Equal(50 + 100 + 150, sizes.GetProperty("total").GetInt64());
        Assert.Equal(50, sizes.GetProperty("min").GetInt64());
        Assert.Equal(100, sizes.GetProperty("median").GetDouble(), 6);
        Assert.Equal(150, sizes.GetProperty("max").GetInt64());
    }

    [Fact]
    public async Task Revoke_user_ends_only_that_users_sessions()
    {
        var erin = await Seed.CreateAsync(_store, 3, _ => Seed.Live(user: "erin"));
        var frank = await Seed.CreateAsync(_store, 1, _ => Seed.Live(user: "frank"));

        var run = await Cli.RunAsync("revoke-user", "erin", "--yes", "--store", "redis", "--connection", Server, "--key-prefix", _prefix);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Revoked 3 sessions of user 'erin'", run.Out);
        Assert.All(erin, key => Assert.False(Seed.ExistsAsync(_store, key).GetAwaiter().GetResult()));
        Assert.True(await Seed.ExistsAsync(_store, frank[0]));
    }

    /// <summary>One Redis server.</summary>
    public sealed class OnSingleServer : RedisCliTests
    {
        protected override string Server => TestServers.Redis;

        [Fact]
        public async Task An_unreachable_server_exits_with_the_store_code()
        {
            var run = await Cli.RunAsync("stats", "--store", "redis", "--connection", $"127.0.0.1:{TestServers.FreePort()},connectTimeout=1000");

            Assert.Equal(3, run.ExitCode);
            Assert.Contains("unreachable or failed", run.Error);
        }
    }

    /// <summary>The Redis Cluster of tests/servers.sh.</summary>
    public sealed class OnCluster : RedisCliTests
    {
        protected override string Server => TestServers.RedisCluster;

        [Fact]
        public async Task Stats_counts_the_sessions_on_every_primary()
        {
            await Seed.CreateAsync(_store, 30, _ => Seed.Live());
            var holding = 0;
            foreach (var server in _connection.GetServers().Where(s => !s.IsReplica))
            {
                await foreach (var _ in server.KeysAsync(pattern: _prefix + "*"))
                {
                    holding++;
                    break;
                }
            }

            var run = await Cli.RunAsync("stats", "--json", "--store", "redis", "--connection", Server, "--key-prefix", _prefix);

            Assert.Equal(3, holding);
            Assert.True(run.ExitCode == 0, run.ToString());
            using var json = System.Text.Json.JsonDocument.Parse(run.Out);
            Assert.Equal(30, json.RootElement.GetProperty("live").GetInt64());
        }
    }
}
