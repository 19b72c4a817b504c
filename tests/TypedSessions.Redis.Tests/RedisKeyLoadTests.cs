using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary>
/// Loading some keys (<see cref="Session.LoadKeysAsync(string[])"/>) over HTTP on a private Redis server: the values not
/// asked for never leave Redis, and read-modify-writes of one key racing on one cookie keep every acknowledged write.
/// </summary>
public sealed class RedisKeyLoadTests
{
    private static async Task<WebApplication> StartAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Redis",
            ["TypedSessions:ConnectionString"] = connectionString,
            ["TypedSessions:CleanupInterval"] = "00:00:00",
        });
        builder.Services.AddTypedSessions(o => o.LoadMode = SessionLoadMode.OnDemand).AddRedisStore();
        var app = builder.Build();
        app.UseTypedSessions();
        app.MapPost("/seed", async (HttpContext c, int bytes) =>
        {
            var session = await c.LoadSessionAsync();
            session.Set("pad", new byte[bytes]);
            session.Set("n", 0);
            return "ok";
        });
        app.MapGet("/n", async Task<string> (HttpContext c) =>
        {
            var session = c.GetSession();
            await session.LoadKeysAsync("n");
            return session.Get<int>("n").ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/whole", async Task<string> (HttpContext c) => (await c.LoadSessionAsync()).Get<int>("n").ToString(CultureInfo.InvariantCulture));
        app.MapGet("/pad", async Task<string> (HttpContext c) => (await c.LoadSessionAsync()).Get<byte[]>("pad")!.Length.ToString(CultureInfo.InvariantCulture));
        app.MapPost("/inc", async Task<string> (HttpContext c) =>
        {
            var session = c.GetSession();
            await session.LoadKeysAsync("n");
            var next = session.Get<int>("n") + 1;
            session.Set("n", next);
            return next.ToString(CultureInfo.InvariantCulture);
        });
        app.MapPost("/set", async Task<string> (HttpContext c, string key) =>
        {
            var session = c.GetSession();
            await session.LoadKeysAsync(key);
            session.Set(key, session.Get<int>(key) + 1);
            return "ok";
        });
        app.MapPost("/cycle", async Task<string> (HttpContext c) =>
        {
            (await c.LoadSessionAsync()).CycleId();
            return "ok";
        });
        app.MapGet("/keys", async Task<string> (HttpContext c) => string.Join(",", (await c.LoadSessionAsync()).Keys.Order(StringComparer.Ordinal)));
        await app.StartAsync();
        return app;
    }

    private static async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, string cookie, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, new Uri("https://localhost" + path));
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> SeedAsync(HttpClient client, int bytes)
    {
        using var seed = await client.PostAsync(new Uri($"https://localhost/seed?bytes={bytes}"), null);
        Assert.Equal(HttpStatusCode.OK, seed.StatusCode);
        return seed.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private static async Task<long> BytesSentByRedisAsync(IServer server)
    {
        var stats = (await server.InfoAsync("stats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return long.Parse(stats["total_net_output_bytes"], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// On a 100 KB session, a request that loads the one key it reads receives under 10 KB from Redis (the INFO reply that
    /// measures it included); one that loads the whole session receives the 100 KB. Counted by the server's own
    /// <c>INFO stats</c> (a private server: nothing else runs on it).
    /// </summary>
    [Fact]
    public async Task A_request_that_loads_one_key_of_a_100_kb_session_receives_only_that_key_from_redis()
    {
        await using var redis = await PrivateRedisServer.StartAsync(durable: false);
        await using var app = await StartAsync(redis.ConnectionString);
        using var client = app.GetTestClient();
        var cookie = await SeedAsync(client, 100_000);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var server = admin.GetServers().Single();
        await SendAsync(client, HttpMethod.Get, "/n", cookie);
        await SendAsync(client, HttpMethod.Get, "/whole", cookie);

        var before = await BytesSentByRedisAsync(server);
        Assert.Equal("0", await SendAsync(client, HttpMethod.Get, "/n", cookie));
        var oneKey = await BytesSentByRedisAsync(server) - before;
        before = await BytesSentByRedisAsync(server);
        Assert.Equal("0", await SendAsync(client, HttpMethod.Get, "/whole", cookie));
        var whole = await BytesSentByRedisAsync(server) - before;

        // Each delta includes the INFO reply that measured it (about 2 KB), and may include a client's periodic
        // background command (StackExchange.Redis checks the server's configuration every minute: a few KB), so the
        // bound is a tenth of the session, not the key's size.
        Assert.True(whole > 100_000, $"whole load: {whole} B");
        Assert.True(oneKey < 10_000, $"one key {oneKey} B, whole {whole} B");
    }

    /// <summary>
    /// A sign-in's id cycle racing 30 requests that each load and write their own key, all on one cookie, 5 rounds: every
    /// write answered 200 is in the session under the new id, every other one was answered 409 and is in no session.
    /// </summary>
    [Fact]
    public async Task Writes_that_load_one_key_racing_an_id_cycle_are_moved_with_it_or_answered_409()
    {
        await using var app = await StartAsync(TestServers.Redis);
        using var client = app.GetTestClient();
        for (var round = 0; round < 5; round++)
        {
            var cookie = await SeedAsync(client, 1_000);
            using var start = new ManualResetEventSlim();
            var writes = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
            {
                start.Wait();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://localhost/set?key=k{i}"));
                request.Headers.Add("Cookie", cookie);
                using var response = await client.SendAsync(request);
                return (Key: $"k{i}", response.StatusCode);
            })).ToList();
            var cycle = Task.Run(async () =>
            {
                start.Wait();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("https://localhost/cycle"));
                request.Headers.Add("Cookie", cookie);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return response.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
            });
            start.Set();
            var results = await Task.WhenAll(writes);
            var moved = await cycle;

            Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
            var stored = (await SendAsync(client, HttpMethod.Get, "/keys", moved)).Split(',');
            var acknowledged = results.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => r.Key).Order(StringComparer.Ordinal);
            Assert.Equal(acknowledged, stored.Where(k => k.StartsWith('k')).Order(StringComparer.Ordinal));
            Assert.Equal(string.Empty, await SendAsync(client, HttpMethod.Get, "/keys", cookie));
        }
    }

    /// <summary>
    /// 40 parallel increments of one key on one cookie, each loading only that key of a 10 KB session: the counter
    /// ends at the number of 200 answers (the others are 409 with Retry-After), and the key not loaded is intact.
    /// </summary>
    [Fact]
    public async Task Parallel_increments_that_load_one_key_keep_every_acknowledged_increment()
    {
        await using var app = await StartAsync(TestServers.Redis);
        using var client = app.GetTestClient();
        var cookie = await SeedAsync(client, 10_000);

        using var start = new ManualResetEventSlim();
        var requests = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("https://localhost/inc"));
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode != HttpStatusCode.Conflict || response.Headers.Contains("Retry-After"), "a 409 without Retry-After");
            Assert.False(response.Headers.Contains("Set-Cookie") && response.StatusCode != HttpStatusCode.OK, "a refused write set a cookie");
            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(requests);

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        var ok = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.True(ok > 0);
        Assert.Equal(ok.ToString(CultureInfo.InvariantCulture), await SendAsync(client, HttpMethod.Get, "/n", cookie));
        Assert.Equal("10000", await SendAsync(client, HttpMethod.Get, "/pad", cookie));
    }
}
