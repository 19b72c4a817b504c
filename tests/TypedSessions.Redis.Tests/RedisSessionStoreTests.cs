using TypedSessions.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using TypedSessions.Storage;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

public sealed class RedisSessionStoreTests : IAsyncLifetime
{
    private readonly DateTimeOffset _t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private readonly string _prefix = TestRedis.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestRedis.DeletePrefixAsync(_prefix);

    [Fact]
    public async Task A_session_is_one_hash_under_the_prefix_with_a_field_per_key_metadata_fields_and_a_ttl_following_the_expiry()
    {
        var store = await TestRedis.CreateStoreAsync(_prefix);
        var db = (await TestRedis.ConnectionAsync()).GetDatabase();
        var key = Key();
        await store.CreateAsync(key, Record(("cart", [1, 2]), ("@e", [3])));

        Assert.Equal(_prefix + key, (string?)store.RedisKeyFor(key));
        Assert.Equal(RedisType.Hash, await db.KeyTypeAsync(_prefix + key));
        var fields = (await db.HashGetAllAsync(_prefix + key)).ToDictionary(e => (string)e.Name!, e => (byte[])e.Value!);
        Assert.Equal(new[] { "@a", "@c", "@e", "@i", "@m", "@v", "v:@e", "v:cart" }, fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1, 2], fields["v:cart"]);
        Assert.Equal((_t0 + TimeSpan.FromMinutes(20)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), System.Text.Encoding.ASCII.GetString(fields["@e"]));
        Assert.InRange((await db.KeyTimeToLiveAsync(_prefix + key))!.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));

        // A touch 10 minutes on (by the caller's clock) moves the TTL to the new expiry: 20 minutes from that instant.
        Assert.True((await store.LoadAsync(key, new(_t0 + TimeSpan.FromMinutes(10), 0.25))).Touched);
        Assert.InRange((await db.KeyTimeToLiveAsync(_prefix + key))!.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));

        // A save that shortens the lifetime shortens the TTL.
        var shorter = new SessionLifetime(SessionExpiryMode.Relative, _t0 + TimeSpan.FromMinutes(1), null, TimeSpan.FromMinutes(1));
        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = _t0, Lifetime = shorter, UserKeyChanged = true, UserKey = "bob" }));
        Assert.InRange((await db.KeyTimeToLiveAsync(_prefix + key))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Equal("bob", (string?)await db.HashGetAsync(_prefix + key, "@u"));
        Assert.False(await db.HashExistsAsync(_prefix + key, "@a"));
    }

    [Fact]
    public async Task Every_operation_is_one_round_trip_on_one_key()
    {
        // A connection of its own: the profiler sees every command on its connection, and other tests run in parallel.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var store = new RedisSessionStore(Options.Create(new RedisSessionStoreOptions { KeyPrefix = _prefix }), connection);
        var key = Key();
        await store.LoadAsync(Key(), new(_t0, null)); // the first script call per script may add SCRIPT LOAD; warm up all
        var profiler = new ProfilingSession();
        connection.RegisterProfiler(() => profiler);
        var ops = new (string Name, Func<Task> Run)[]
        {
            ("create", async () => await store.CreateAsync(key, Record(("a", [1])))),
            ("load+touch", async () => Assert.True((await store.LoadAsync(key, new(_t0 + TimeSpan.FromMinutes(10), 0.25))).Touched)),
            ("load", async () => await store.LoadAsync(key, new(_t0 + TimeSpan.FromMinutes(10), 0.25))),
            ("load-keys", async () => Assert.Equal([1], (await store.LoadKeysAsync(key, ["a", "z"], new(_t0 + TimeSpan.FromMinutes(10), 0.25))).Record!.Values["a"])),
            ("save", async () => Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, new SessionChangeSet { Now = _t0, ClearAll = true, RemovedKeys = ["a"], SetValues = new Dictionary<string, byte[]> { ["b"] = [2] } }))),
            ("touch", async () => await store.TouchAsync(key, _t0 + TimeSpan.FromMinutes(19), 0.25)),
            ("end", async () => Assert.Equal(SessionWriteOutcome.Applied, await store.EndAsync(key, _t0, _t0 + TimeSpan.FromMinutes(1)))),
            ("delete", async () => Assert.True(await store.DeleteAsync(key))),
        };

        foreach (var (name, run) in ops)
        {
            // Run twice: the second run shows the steady state (scripts cached, EVALSHA).
            await run();
            profiler.FinishProfiling();
            if (name == "delete")
            {
                continue;
            }

            await store.DeleteAsync(key);
            await store.CreateAsync(key, Record(("a", [1])));
            if (name is "touch" or "load" or "load-keys")
            {
                await store.LoadAsync(key, new(_t0 + TimeSpan.FromMinutes(10), 0.25));
            }

            profiler.FinishProfiling();
            await run();
            var commands = profiler.FinishProfiling().Where(c => c.Command is not "SCRIPT").ToList();
            Assert.True(commands.Count == 1, $"{name}: {string.Join(", ", commands.Select(c => c.Command))}");
        }
    }

    [Fact]
    public async Task An_IConnectionMultiplexer_in_the_container_is_reused_and_the_store_is_selected_by_configuration()
    {
        var shared = await TestRedis.ConnectionAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TypedSessions:Store"] = "Redis" });
        builder.Services.AddSingleton<IConnectionMultiplexer>(shared);
        builder.Services.AddTypedSessions().AddMemoryStore().AddRedisStore(o => o.KeyPrefix = _prefix);
        await using var app = await StartAsync(builder);

        var store = Assert.IsType<RedisSessionStore>(app.Services.GetRequiredService<ISessionStore>());
        Assert.Equal(SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.NativeExpiry | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.NeverBlocksCaller | SessionStoreCapabilities.BlindWrites | SessionStoreCapabilities.KeyReads, store.Capabilities);
        await AssertHundredConcurrentRequestsKeepEveryKeyAsync(app);
        Assert.True(shared.IsConnected);
    }

    [Fact]
    public async Task Without_a_registered_connection_the_store_connects_with_the_configured_connection_string()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Redis",
            ["TypedSessions:ConnectionString"] = TestServers.Redis,
        });
        builder.Services.AddTypedSessions().AddRedisStore(o => o.KeyPrefix = _prefix);
        await using var app = await StartAsync(builder);

        await AssertHundredConcurrentRequestsKeepEveryKeyAsync(app);
    }

    [Fact]
    public async Task A_stopped_server_fails_calls_quickly_and_the_store_recovers_when_it_is_back()
    {
        await using var server = await PrivateRedisServer.StartAsync(durable: false);
        await using var store = new RedisSessionStore(Options.Create(new RedisSessionStoreOptions
        {
            ConnectionString = $"127.0.0.1:{server.Port},connectTimeout=1000,asyncTimeout=1500",
            KeyPrefix = _prefix,
        }));
        var key = Key();
        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        var error = await Xunit.Record.ExceptionAsync(async () => await store.LoadAsync(key, new(_t0, null)));
        Assert.NotNull(error);
        Assert.IsNotType<SessionDataException>(error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");

        await server.StartAgainAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Assert.Null((await store.LoadAsync(key, new(_t0, null))).Record); // the server kept nothing (no persistence)
                Assert.True(await store.CreateAsync(key, Record()));
                break;
            }
            catch (Exception ex) when (ex is RedisException && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task<WebApplication> StartAsync(WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TypedSessions:CleanupInterval"] = "00:00:00" });
        var app = builder.Build();
        app.UseTypedSessions();
        ConcurrentCountersCheck.MapCounterEndpoints(app);
        await app.StartAsync();
        return app;
    }

    private static async Task AssertHundredConcurrentRequestsKeepEveryKeyAsync(WebApplication app)
    {
        using var client = app.GetTestClient();
        await ConcurrentCountersCheck.AssertNoLostUpdatesAsync(client);
    }

    [Fact]
    public async Task The_user_index_is_a_sorted_set_per_user_scored_by_the_absolute_expiry_with_a_ttl_and_is_emptied_by_a_revoke()
    {
        var store = await TestRedis.CreateStoreAsync(_prefix);
        var db = (await TestRedis.ConnectionAsync()).GetDatabase();
        var bound = Key();
        var record = Record(("a", [1]));
        Assert.True(await store.CreateAsync(bound, new SessionRecord(record.Values, record.CreatedAt, record.Lifetime, 1, "alice")));
        var boundLater = Key();
        Assert.True(await store.CreateAsync(boundLater, Record()));
        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(boundLater, new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = "alice" }));

        var index = store.UserIndexKeyFor("alice");
        Assert.Equal(_prefix + "user:alice", (string?)index);
        Assert.Equal(RedisType.SortedSet, await db.KeyTypeAsync(index));
        Assert.Equal((_t0 + TimeSpan.FromHours(8)).ToUnixTimeMilliseconds(), await db.SortedSetScoreAsync(index, bound));

        // The save that bound the second session did not carry the absolute expiry: no cap, so no TTL on the set.
        Assert.Equal(double.PositiveInfinity, await db.SortedSetScoreAsync(index, boundLater));
        Assert.Null(await db.KeyTimeToLiveAsync(index));
        Assert.True(await db.SortedSetRemoveAsync(index, boundLater));
        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(boundLater, new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = null }));
        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(boundLater, new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = "alice", Lifetime = record.Lifetime }));
        Assert.InRange((await db.KeyTimeToLiveAsync(index))!.Value, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));

        // The index shares the prefix but is not a session: cleanup leaves it alone.
        Assert.Equal(0, await store.DeleteExpiredAsync(_t0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(2, await store.RevokeUserAsync("alice"));
        Assert.False(await db.KeyExistsAsync(index));
        Assert.False(await db.KeyExistsAsync(_prefix + bound));
    }

    [Fact]
    public async Task End_and_cycle_leave_a_tombstone_hash_of_marker_and_expiry_with_a_ttl_to_its_end()
    {
        var store = await TestRedis.CreateStoreAsync(_prefix);
        var db = (await TestRedis.ConnectionAsync()).GetDatabase();
        var ended = Key();
        await store.CreateAsync(ended, Record(("a", [1])));
        Assert.Equal(SessionWriteOutcome.Applied, await store.EndAsync(ended, _t0, _t0 + TimeSpan.FromMinutes(1)));
        await AssertTombstoneAsync(ended);

        var cycled = Key();
        var newKey = Key();
        await store.CreateAsync(cycled, Record(("a", [1])));
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(cycled, newKey, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)));
        await AssertTombstoneAsync(cycled);

        // The moved session keeps its layout and gets its own TTL (the idle window from the cycle's now).
        var fields = (await db.HashGetAllAsync(_prefix + newKey)).Select(e => (string)e.Name!).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "@a", "@c", "@e", "@i", "@m", "@v", "v:a" }, fields);
        Assert.InRange((await db.KeyTimeToLiveAsync(_prefix + newKey))!.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));

        // A tombstone whose end has passed by the caller's clock is not left at all.
        var gone = Key();
        await store.CreateAsync(gone, Record());
        Assert.Equal(SessionWriteOutcome.Applied, await store.EndAsync(gone, _t0, _t0));
        Assert.False(await db.KeyExistsAsync(_prefix + gone));

        async Task AssertTombstoneAsync(string key)
        {
            var tombstone = (await db.HashGetAllAsync(_prefix + key)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
            Assert.Equal(new[] { "@e", "@t" }, tombstone.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(_t0.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), tombstone["@t"]);
            Assert.Equal((_t0 + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), tombstone["@e"]);
            Assert.InRange((await db.KeyTimeToLiveAsync(_prefix + key))!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task A_cycle_moves_the_user_index_entry_to_the_new_key_whether_or_not_the_change_set_names_the_user()
    {
        var store = await TestRedis.CreateStoreAsync(_prefix);
        var db = (await TestRedis.ConnectionAsync()).GetDatabase();
        var cap = (_t0 + TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
        var alice = store.UserIndexKeyFor("alice");
        var first = Key();
        var record = Record(("a", [1]));
        Assert.True(await store.CreateAsync(first, new SessionRecord(record.Values, record.CreatedAt, record.Lifetime, 1, "alice")));

        // The change set does not name the user: the store finds the stored binding and moves alice's entry.
        var second = Key();
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(first, second, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)));
        Assert.Null(await db.SortedSetScoreAsync(alice, first));
        Assert.Equal(cap, await db.SortedSetScoreAsync(alice, second));

        // The change set re-binds to bob: bob's index gets the new key, scored by the stored cap.
        var third = Key();
        var bindBob = new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = "bob" };
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(second, third, bindBob, _t0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(cap, await db.SortedSetScoreAsync(store.UserIndexKeyFor("bob"), third));
        Assert.Equal("bob", (string?)await db.HashGetAsync(_prefix + third, "@u"));

        // Unbinding in the cycle touches no index; the new session is bound to nobody.
        var fourth = Key();
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(third, fourth, new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = null }, _t0 + TimeSpan.FromMinutes(1)));
        Assert.False(await db.HashExistsAsync(_prefix + fourth, "@u"));
        Assert.Equal(0, await store.RevokeUserAsync("bob"));
        Assert.Equal(0, await store.RevokeUserAsync("alice"));
        Assert.NotNull((await store.LoadAsync(fourth, new(_t0, null))).Record);
    }

    [Fact]
    public async Task A_cycle_is_one_script_unless_a_bound_session_is_cycled_without_naming_its_user()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var store = new RedisSessionStore(Options.Create(new RedisSessionStoreOptions { KeyPrefix = _prefix }), connection);
        var record = Record(("a", [1]));
        async Task<int> CycleCommandsAsync(string? boundTo, SessionChangeSet changes)
        {
            var key = Key();
            await store.CreateAsync(key, new SessionRecord(record.Values, record.CreatedAt, record.Lifetime, 1, boundTo));
            await store.CycleAsync(Key(), Key(), changes, _t0 + TimeSpan.FromMinutes(1)); // warm up: SCRIPT LOAD
            var profiler = new ProfilingSession();
            connection.RegisterProfiler(() => profiler);
            Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(key, Key(), changes, _t0 + TimeSpan.FromMinutes(1)));
            return profiler.FinishProfiling().Count(c => c.Command is not "SCRIPT");
        }

        Assert.Equal(1, await CycleCommandsAsync(null, new SessionChangeSet { Now = _t0 }));
        Assert.Equal(1, await CycleCommandsAsync(null, new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = "alice" }));
        Assert.Equal(1, await CycleCommandsAsync("alice", new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = "bob" }));
        Assert.Equal(2, await CycleCommandsAsync("alice", new SessionChangeSet { Now = _t0 }));
    }

    // The hash's fields go through the decoder the envelope and PostgreSQL use (SessionRecordDecoder): each break is
    // corruption. The mode is text here, and 2^32 once read as Default (a cast to the enum's int wrapped it).
    [Theory]
    [InlineData("@m", "4294967296")]
    [InlineData("@m", "4")]
    [InlineData("@i", "0")]
    [InlineData("@i", "922337203685478")]
    [InlineData("@u", "1025 bytes")]
    [InlineData("v:\u00ff", "invalid UTF-8 key")]
    [InlineData("v:", "1025-byte key")]
    public async Task A_hash_the_shared_decoder_refuses_loads_as_SessionDataException(string field, string value)
    {
        var store = await TestRedis.CreateStoreAsync(_prefix);
        var db = (await TestRedis.ConnectionAsync()).GetDatabase();
        var key = Key();
        Assert.True(await store.CreateAsync(key, Record(("a", [1]))));
        Assert.NotNull((await store.LoadAsync(key, new(_t0, null))).Record);

        var (name, content) = (field, value) switch
        {
            ("@u", _) => ((RedisValue)"@u", (RedisValue)new string('u', 1025)),
            ("v:\u00ff", _) => ((RedisValue)new byte[] { (byte)'v', (byte)':', 0xff }, (RedisValue)new byte[] { 1 }),
            ("v:", _) => ((RedisValue)("v:" + new string('k', 1025)), (RedisValue)new byte[] { 1 }),
            _ => ((RedisValue)field, (RedisValue)value),
        };
        await db.HashSetAsync(store.RedisKeyFor(key), name, content);

        await Assert.ThrowsAsync<SessionDataException>(async () => await store.LoadAsync(key, new(_t0, null)));
    }

    private static string Key() => Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));

    private SessionRecord Record(params (string Key, byte[] Value)[] values)
        => new(
            values.ToDictionary(v => v.Key, v => v.Value),
            _t0,
            SessionLifetime.Compute(SessionExpiryMode.Default, _t0, _t0, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));
}
