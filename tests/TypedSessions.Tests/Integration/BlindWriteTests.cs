using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;
using TypedSessions.Storage.File;

namespace TypedSessions.Tests.Integration;

/// <summary>
/// Blind writes over HTTP (<see cref="SessionLoadMode.OnDemand"/>): a request that sets keys without loading its session
/// saves them with one store call, and every way that call can go wrong answers as a loaded session's write would.
/// </summary>
public sealed class BlindWriteTests
{
    public static TheoryData<string> Stores => new() { "Memory", "File" };

    private static void Map(WebApplication app)
    {
        app.MapPost("/seed", async (HttpContext c, string key, string value) =>
        {
            var session = await c.LoadSessionAsync();
            session.Set(key, value);
            return "ok";
        });
        app.MapPost("/blind", (HttpContext c, string key, string value) =>
        {
            c.GetSession().Set(key, value);
            return "ok";
        });
        app.MapPost("/blind-bytes", (HttpContext c, string key, int bytes) =>
        {
            c.GetSession().Set(key, new byte[bytes]);
            return "ok";
        });
        app.MapPost("/blind-then-read", async (HttpContext c, string key, string value) =>
        {
            c.GetSession().Set(key, value);
            var session = await c.LoadSessionAsync();
            return string.Join(",", session.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={session.Get<string>(k)}"));
        });
        app.MapGet("/read", async (HttpContext c, string key) => (await c.LoadSessionAsync()).Get<string>(key) ?? "(none)");
        app.MapGet("/inc-value", async Task<string> (HttpContext c) => (await c.LoadSessionAsync()).Get<int>("counter").ToString(CultureInfo.InvariantCulture));
        app.MapGet("/count", async Task<string> (HttpContext c) => (await c.LoadSessionAsync()).Count.ToString(CultureInfo.InvariantCulture));
        app.MapPost("/inc", async (HttpContext c) =>
        {
            var session = await c.LoadSessionAsync();
            var next = session.Get<int>("counter") + 1;
            session.Set("counter", next);
            return next.ToString(CultureInfo.InvariantCulture);
        });
        app.MapPost("/cycle", async (HttpContext c) =>
        {
            (await c.LoadSessionAsync()).CycleId();
            return "ok";
        });
    }

    private static async Task<TestApp> StartAsync(string store, Action<TypedSessionOptions>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ts-blind-" + Guid.NewGuid().ToString("N"));
        Func<IServiceProvider, ISessionStore>? factory = store switch
        {
            "File" => _ => new FileSessionStore(Options.Create(new FileSessionStoreOptions { Folder = folder })),
            "DistributedCache" => _ => new DistributedCacheSessionStore(
                new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), Options.Create(new DistributedCacheSessionStoreOptions())),
            _ => null,
        };
        return await TestApp.StartAsync(Map, o =>
        {
            o.LoadMode = SessionLoadMode.OnDemand;
            configure?.Invoke(o);
        }, factory);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_write_without_a_load_is_one_store_call_and_keeps_the_other_keys(string store)
    {
        await using var app = await StartAsync(store);
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        var cookie = client.Cookie;
        app.Store.Reset();

        var response = await client.PostAsync("/blind?key=b&value=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, app.Store.Calls("load"));
        Assert.Equal(1, app.Store.Calls("save"));
        Assert.Equal(1, app.Store.TotalCalls);
        Assert.Equal(cookie, client.Cookie);
        Assert.Equal("1", await client.GetStringAsync("/read?key=a"));
        Assert.Equal("2", await client.GetStringAsync("/read?key=b"));
    }

    [Fact]
    public async Task A_store_without_blind_writes_still_asks_for_a_load_first()
    {
        await using var app = await StartAsync("DistributedCache");
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PostAsync("/blind?key=b&value=2"));

        Assert.Contains("LoadSessionAsync", ex.Message, StringComparison.Ordinal);
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=b"));
    }

    [Fact]
    public async Task A_cookie_that_names_no_live_session_gets_a_new_session_with_the_write_and_nothing_under_its_id()
    {
        await using var app = await StartAsync("Memory");
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        var expired = client.Cookie;
        app.Time.Advance(TimeSpan.FromMinutes(21));

        var response = await client.PostAsync("/blind?key=b&value=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(SessionClient.SetCookie(response));
        Assert.NotEqual(expired, client.Cookie);
        Assert.Equal("1", await client.GetStringAsync("/count"));
        Assert.Equal("2", await client.GetStringAsync("/read?key=b"));

        using var old = app.CreateClient();
        old.Cookie = expired;
        Assert.Equal("0", await old.GetStringAsync("/count"));

        // A forged id (well-formed, never issued) is the same: a fresh session, the forged id not created.
        using var forger = app.CreateClient();
        var forged = Ids.SessionId.New().Value;
        forger.Cookie = forged;
        Assert.Equal(HttpStatusCode.OK, (await forger.PostAsync("/blind?key=x&value=y")).StatusCode);
        Assert.NotEqual(forged, forger.Cookie);
        using var probe = app.CreateClient();
        probe.Cookie = forged;
        Assert.Equal("0", await probe.GetStringAsync("/count"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_write_the_store_finds_over_the_size_limit_is_a_413_and_writes_nothing(string store)
    {
        await using var app = await StartAsync(store, o => o.MaxSessionSize = 1000);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/blind-bytes?key=a&bytes=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/blind-bytes?key=a&bytes=600")).StatusCode);
        var cookie = client.Cookie;

        var response = await client.PostAsync("/blind-bytes?key=b&bytes=500");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(cookie, client.Cookie);
        Assert.Equal("1", await client.GetStringAsync("/count"));

        // Overwriting the large key with a smaller one fits: the store counts the key's new size, not both.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/blind-bytes?key=a&bytes=900")).StatusCode);
    }

    [Fact]
    public async Task A_write_with_a_cookie_cycled_meanwhile_is_a_409_and_reaches_neither_session()
    {
        await using var app = await StartAsync("Memory");
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        var stale = client.Cookie;
        await client.PostAsync("/cycle");
        Assert.NotEqual(stale, client.Cookie);

        using var tab = app.CreateClient();
        tab.Cookie = stale;
        var response = await tab.PostAsync("/blind?key=b&value=2");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=b"));
    }

    [Fact]
    public async Task A_store_failure_on_the_blind_save_is_a_503_with_no_cookie_and_nothing_written()
    {
        await using var app = await StartAsync("Memory");
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        app.Store.FailOn = "save";

        var response = await client.PostAsync("/blind?key=b&value=2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(SessionClient.SetCookie(response));
        app.Store.FailOn = null;
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=b"));
    }

    [Fact]
    public async Task A_blind_save_the_store_answers_with_a_conflict_is_a_409_with_retry_after_and_no_cookie()
    {
        await using var app = await StartAsync("Memory");
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        app.Store.BlindSaveConflicts = true;

        var response = await client.PostAsync("/blind?key=b&value=2");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(SessionClient.SetCookie(response));
        app.Store.BlindSaveConflicts = false;
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=b"));
        Assert.Equal("1", await client.GetStringAsync("/read?key=a"));
    }

    [Fact]
    public async Task Two_different_session_cookies_make_a_blind_write_a_409_that_reaches_neither_session()
    {
        await using var app = await StartAsync("Memory");
        using var owner = app.CreateClient();
        await owner.PostAsync("/seed?key=a&value=1");
        using var other = app.CreateClient();
        await other.PostAsync("/seed?key=a&value=2");
        using var http = app.Server.CreateClient();

        using var ambiguous = new HttpRequestMessage(HttpMethod.Post, "https://localhost/blind?key=b&value=x");
        ambiguous.Headers.Add("Cookie", $"{SessionClient.CookieName}={owner.Cookie}; {SessionClient.CookieName}={other.Cookie}");
        var response = await http.SendAsync(ambiguous);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal("(none)", await owner.GetStringAsync("/read?key=b"));
        Assert.Equal("(none)", await other.GetStringAsync("/read?key=b"));
    }

    [Fact]
    public async Task A_load_after_a_blind_write_reads_the_stored_keys_with_the_write_on_top()
    {
        await using var app = await StartAsync("Memory");
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        await client.PostAsync("/seed?key=b&value=old");
        app.Store.Reset();

        var response = await client.PostAsync("/blind-then-read?key=b&value=new");

        Assert.Equal("a=1,b=new", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, app.Store.Calls("load"));
        Assert.Equal(1, app.Store.Calls("save"));
        Assert.Equal("new", await client.GetStringAsync("/read?key=b"));
    }

    [Fact]
    public async Task A_blind_write_whose_later_load_finds_the_session_cycled_meanwhile_fails_the_request_with_a_409()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(a =>
        {
            Map(a);
            a.MapPost("/blind-wait-read", async (HttpContext c) =>
            {
                c.GetSession().Set("late", "x");
                written.SetResult();
                await gate.Task;
                var session = await c.LoadSessionAsync();
                return session.Get<string>("late") ?? "(none)";
            });
        }, o => o.LoadMode = SessionLoadMode.OnDemand);
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=a&value=1");
        var stale = client.Cookie;

        using var tab = app.CreateClient();
        tab.Cookie = stale;
        var pending = tab.PostAsync("/blind-wait-read");
        await written.Task;
        await client.PostAsync("/cycle");
        gate.SetResult();
        var response = await pending;

        // The write was accepted before the load; the load found a tombstone, so the request cannot end as a success.
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=late"));
        Assert.Equal("1", await client.GetStringAsync("/read?key=a"));
    }

    [Fact]
    public async Task A_blind_write_that_no_longer_fits_when_loaded_is_a_413_even_when_the_endpoint_swallows_the_error()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            Map(a);
            a.MapPost("/blind-then-load-swallowing", async (HttpContext c) =>
            {
                c.GetSession().Set("b", new byte[500]);
                try
                {
                    await c.LoadSessionAsync();
                }
                catch (SessionTooLargeException)
                {
                    // An endpoint that ignores the failure still cannot turn the lost write into a 200.
                }

                return "ok";
            });
        }, o =>
        {
            o.LoadMode = SessionLoadMode.OnDemand;
            o.MaxSessionSize = 1000;
        });
        using var client = app.CreateClient();
        await client.PostAsync("/blind-bytes?key=a&bytes=1");
        await client.PostAsync("/blind-bytes?key=a&bytes=600");

        var response = await client.PostAsync("/blind-then-load-swallowing");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal("1", await client.GetStringAsync("/count"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Blind_writes_racing_read_modify_writes_on_one_cookie_keep_every_acknowledged_write(string store)
    {
        await using var app = await StartAsync(store);
        using var client = app.CreateClient();
        await client.PostAsync("/seed?key=owner&value=alice");
        var cookie = client.Cookie;

        var blind = Enumerable.Range(0, 60).Select(async i =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return (i, (await c.PostAsync($"/blind?key=k{i}&value=v{i}")).StatusCode);
        });
        var increments = Enumerable.Range(0, 60).Select(async _ =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return (await c.PostAsync("/inc")).StatusCode;
        });
        var blindResults = await Task.WhenAll(blind);
        var incResults = await Task.WhenAll(increments);

        // Blind writes expect nothing, so they never conflict; an increment is acknowledged or refused (409), never lost.
        Assert.All(blindResults, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(incResults, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        foreach (var (i, _) in blindResults)
        {
            Assert.Equal($"v{i}", await client.GetStringAsync($"/read?key=k{i}"));
        }

        Assert.Equal(incResults.Count(s => s == HttpStatusCode.OK).ToString(CultureInfo.InvariantCulture), await client.GetStringAsync("/inc-value"));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=owner"));
        Assert.Equal(cookie, client.Cookie);
    }
}
