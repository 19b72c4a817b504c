using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace ShopSample.Tests;

/// <summary>
/// "A 2xx means stored" for the sample, over real HTTP (Kestrel on loopback) on SQLite, PostgreSQL, Redis and Redis
/// Cluster: a login
/// racing 40 counter writes on one cookie (20 rounds), 100 concurrent increments of one counter, a login that fails on a
/// full session. Cookies are handled by hand (the session cookie is Secure and this server speaks plain HTTP).
/// PostgreSQL, Redis and the Redis Cluster come from TYPEDSESSIONS_TEST_POSTGRES / TYPEDSESSIONS_TEST_REDIS /
/// TYPEDSESSIONS_TEST_REDIS_CLUSTER (tests/run-all.sh); missing is a failure.
/// </summary>
public sealed class RaceTests
{
    private const string CookieName = ShopApp.CookieName;

    public static TheoryData<string> Stores => ["Sqlite", "PostgreSql", "Redis", "RedisCluster"];

    /// <summary>The sample on Kestrel with the given store, and a client without a cookie jar.</summary>
    private sealed class KestrelShop : IDisposable
    {
        public KestrelShop(string store, Dictionary<string, string?>? extra = null)
        {
            var settings = store == "Sqlite" ? new Dictionary<string, string?>() : SharedBackendTests.Settings(store);
            settings["Shop:LoginRateLimit:PermitLimit"] = "100000";

            // These races count answers (2xx or 409, never 503): on a busy machine a write can queue for SQLite's
            // write lock or a row lock longer than the 5-second default store timeout.
            settings["TypedSessions:StoreTimeout"] = "00:00:30";
            foreach (var (key, value) in extra ?? [])
            {
                settings[key] = value;
            }

            Factory = new ShopFactory(fakeTime: false, settings);
            Factory.UseKestrel(0);
            Factory.StartServer();
            Client = Factory.CreateClient();
        }

        public ShopFactory Factory { get; }

        public HttpClient Client { get; }

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? cookie, string? json = null)
        {
            using var request = Http.Request(method, url, json);
            if (cookie is not null)
            {
                request.Headers.Add(HeaderNames.Cookie, $"{CookieName}={cookie}");
            }

            return await Client.SendAsync(request);
        }

        public async Task<JsonElement> SessionAsync(string cookie)
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/session", cookie);
            return await Http.SessionBodyAsync(response);
        }

        public void Dispose()
        {
            Client.Dispose();
            Factory.Dispose();
        }
    }

    private static string? SessionCookie(HttpResponseMessage response)
        => response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            && values.FirstOrDefault(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal)) is { } header
                ? header[(CookieName.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)]
                : null;

    /// <summary>
    /// A page and its XHRs during login: 40 parallel counter writes and one login on the same cookie, 20 rounds. Every
    /// acknowledged write is in the logged-in session; none is answered with another cookie (a fresh anonymous one would
    /// replace the login cookie); the rest are 409.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_login_alongside_40_writes_keeps_every_acknowledged_write(string store)
    {
        using var shop = new KestrelShop(store);
        var acknowledgedTotal = 0;
        for (var round = 0; round < 20; round++)
        {
            string cookie;
            using (var first = await shop.SendAsync(HttpMethod.Post, "/api/counters/seed", null))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                cookie = SessionCookie(first)!;
            }

            using var start = new ManualResetEventSlim();
            var writes = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            {
                start.Wait();
                using var response = await shop.SendAsync(HttpMethod.Post, $"/api/counters/k{i}", cookie);
                return (Name: "k" + i, response.StatusCode, SetCookie: SessionCookie(response));
            })).ToList();
            var login = Task.Run(async () =>
            {
                start.Wait();
                using var response = await shop.SendAsync(HttpMethod.Post, "/api/login", cookie, Http.Json(new { username = "alice", password = "wonderland" }));
                return (response.StatusCode, SetCookie: SessionCookie(response));
            });
            start.Set();
            var results = await Task.WhenAll(writes);
            var (loginStatus, loggedIn) = await login;

            Assert.Equal(HttpStatusCode.OK, loginStatus);
            Assert.NotNull(loggedIn);
            Assert.NotEqual(cookie, loggedIn);
            Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{r.Name}: {r.StatusCode}"));
            Assert.All(results, r => Assert.True(r.SetCookie is null || r.SetCookie == cookie, $"{r.Name} was answered with another session cookie"));

            var session = await shop.SessionAsync(loggedIn);
            Assert.Equal("alice", session.GetProperty("username").GetString());
            var counters = session.GetProperty("counters");
            foreach (var (name, _, _) in results.Where(r => r.StatusCode == HttpStatusCode.OK))
            {
                Assert.True(counters.TryGetProperty(name, out var value), $"round {round}: the acknowledged write of {name} is not in the logged-in session ({store})");
                Assert.Equal(1, value.GetInt32());
                acknowledgedTotal++;
            }
        }

        Assert.True(acknowledgedTotal > 0, "no write was acknowledged in 20 rounds");
    }

    /// <summary>100 concurrent read-modify-write increments of one counter: the final value is the number of 2xx answers.</summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_increments_of_one_counter_end_at_the_number_of_2xx_answers(string store)
    {
        using var shop = new KestrelShop(store);
        string cookie;
        using (var first = await shop.SendAsync(HttpMethod.Post, "/api/counters/other", null))
        {
            cookie = SessionCookie(first)!;
        }

        using var start = new ManualResetEventSlim();
        var increments = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await shop.SendAsync(HttpMethod.Post, "/api/counters/shared", cookie);
            Assert.True(response.StatusCode != HttpStatusCode.Conflict || response.Headers.Contains(HeaderNames.RetryAfter), "a 409 without Retry-After");
            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(increments);

        var ok = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        Assert.True(ok > 0);
        var counters = (await shop.SessionAsync(cookie)).GetProperty("counters");
        Assert.Equal(ok, counters.GetProperty("shared").GetInt32());
        Assert.Equal(1, counters.GetProperty("other").GetInt32());
    }

    /// <summary>30 parallel cart adds of different skus on one cookie (a read-modify-write of the cart list): every acknowledged line is in the cart, the rest are 409.</summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Concurrent_cart_adds_keep_every_acknowledged_line(string store)
    {
        using var shop = new KestrelShop(store);
        string cookie;
        using (var first = await shop.SendAsync(HttpMethod.Post, "/api/cart", null, Http.Json(new { sku = "seed", qty = 1 })))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            cookie = SessionCookie(first)!;
        }

        using var start = new ManualResetEventSlim();
        var adds = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await shop.SendAsync(HttpMethod.Post, "/api/cart", cookie, Http.Json(new { sku = "s" + i, qty = 1 }));
            return (Sku: "s" + i, response.StatusCode);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(adds);

        Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{r.Sku}: {r.StatusCode}"));
        var cart = (await shop.SessionAsync(cookie)).GetProperty("cart").EnumerateArray().Select(l => l.GetProperty("sku").GetString()).ToList();
        var acknowledged = results.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => r.Sku).ToList();
        Assert.NotEmpty(acknowledged);
        Assert.All(acknowledged, sku => Assert.Contains(sku, cart));
        Assert.Equal(acknowledged.Count + 1, cart.Count);
    }

    /// <summary>A login on a session too full to take the username: 413, and the id, the cookie and the data stay as they were.</summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_failed_login_on_a_full_session_changes_nothing(string store)
    {
        using var shop = new KestrelShop(store, new() { ["TypedSessions:MaxSessionSize"] = "400" });
        string cookie;
        using (var first = await shop.SendAsync(HttpMethod.Post, "/api/counters/a", null))
        {
            cookie = SessionCookie(first)!;
        }

        // Fill with one-character counters (about 10 bytes each) until the next one no longer fits.
        for (var i = 0; ; i++)
        {
            var name = "c" + i.ToString(CultureInfo.InvariantCulture);
            using var response = await shop.SendAsync(HttpMethod.Post, "/api/counters/" + name, cookie);
            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(i < 100, "the session never filled up");
        }

        var before = await shop.SessionAsync(cookie);

        using var login = await shop.SendAsync(HttpMethod.Post, "/api/login", cookie, Http.Json(new { username = "alice", password = "wonderland" }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, login.StatusCode);
        Assert.Null(SessionCookie(login));
        var after = await shop.SessionAsync(cookie);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("username").ValueKind);
        Assert.Equal(before.GetProperty("counters").GetRawText(), after.GetProperty("counters").GetRawText());
        Assert.Equal(before.GetProperty("cart").GetRawText(), after.GetProperty("cart").GetRawText());
    }
}
