using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSessions.Ids;

namespace TypedSessions.Tests.Integration;

/// <summary>
/// <c>HttpContext.Session</c> (ASP.NET Core's <see cref="ISession"/>) on TypedSessions, through the real pipeline:
/// the <c>SessionExtensions</c>, what typed and <see cref="ISession"/> code see of each other's values, the id, and
/// per-key merge for writes made through <see cref="ISession"/>. (Issue 14, point 1.)
/// </summary>
public abstract class HttpContextSessionTests(TestStore store) : IAsyncLifetime
{
    private readonly TestStores _stores = new(store);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _stores.CleanUpAsync();

    private async Task<TestApp> StartAsync(Action<TypedSessionOptions>? configure = null) => await TestApp.StartAsync(app =>
    {
        Endpoints.Map(app);
        app.MapPost("/is/set-string", (HttpContext c, string key, string value) => c.Session.SetString(key, value));
        app.MapGet("/is/get-string", (HttpContext c, string key) => c.Session.GetString(key) ?? "(none)");
        app.MapPost("/is/set-int", (HttpContext c, string key, int value) => c.Session.SetInt32(key, value));
        app.MapGet("/is/get-int", (HttpContext c, string key) => c.Session.GetInt32(key)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
        app.MapGet("/is/keys", (HttpContext c) => string.Join(",", c.Session.Keys.Order(StringComparer.Ordinal)));
        app.MapPost("/is/remove", (HttpContext c, string key) => c.Session.Remove(key));
        app.MapPost("/is/clear", (HttpContext c) => c.Session.Clear());
        app.MapGet("/is/id", (HttpContext c) => c.Session.Id);
        app.MapGet("/is/available", (HttpContext c) => c.Session.IsAvailable ? "yes" : "no");
        app.MapPost("/is/commit", async (HttpContext c, string key, string value) =>
        {
            c.Session.SetString(key, value);
            await c.Session.CommitAsync();
            return "committed";
        });
        app.MapGet("/is/raw", (HttpContext c, string key) =>
        {
            try
            {
                return c.Session.TryGetValue(key, out var bytes) ? Convert.ToHexString(bytes) : "(none)";
            }
            catch (SessionValueException ex)
            {
                return "error: " + ex.Message;
            }
        });
        app.MapPost("/typed/set-list", (HttpContext c, string key) => c.GetSession().Set(key, new List<int> { 1, 2 }));
        app.MapPost("/typed/set-int", (HttpContext c, string key, int value) => c.GetSession().Set(key, value));
        app.MapGet("/typed/read-string", (HttpContext c, string key) =>
        {
            try
            {
                return c.GetSession().Get<string>(key) ?? "(none)";
            }
            catch (SessionValueException)
            {
                return "error";
            }
        });
        app.MapPost("/is/set-bytes", (HttpContext c, string key, string hex) => c.Session.Set(key, Convert.FromHexString(hex)));
        app.MapGet("/typed/read-int", (HttpContext c, string key) =>
        {
            try
            {
                return c.GetSession().Get<int?>(key)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";
            }
            catch (SessionValueException)
            {
                return "error";
            }
        });
        app.MapGet("/typed/read-bytes", (HttpContext c, string key) => Convert.ToHexString(c.GetSession().Get<byte[]>(key) ?? []));
        app.MapPost("/typed/cycle", (HttpContext c) => c.GetSession().CycleId());
    }, configure, await _stores.FactoryAsync());

    [Fact]
    public async Task The_session_extensions_round_trip_and_keys_remove_clear_work()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/is/set-string?key=name&value=alice");
        await client.PostAsync("/is/set-int?key=visits&value=-7");

        Assert.Equal("alice", await client.GetStringAsync("/is/get-string?key=name"));
        Assert.Equal("-7", await client.GetStringAsync("/is/get-int?key=visits"));
        Assert.Equal("name,visits", await client.GetStringAsync("/is/keys"));
        await client.PostAsync("/is/remove?key=name");
        Assert.Equal("(none)", await client.GetStringAsync("/is/get-string?key=name"));
        await client.PostAsync("/is/clear");
        Assert.Equal(string.Empty, await client.GetStringAsync("/is/keys"));
    }

    [Fact]
    public async Task Typed_strings_and_ints_read_through_ISession_as_the_extensions_wrote_them()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/set?key=name&value=zoë");
        await client.PostAsync("/typed/set-int?key=visits&value=70000");

        Assert.Equal("zoë", await client.GetStringAsync("/is/get-string?key=name"));
        Assert.Equal("70000", await client.GetStringAsync("/is/get-int?key=visits"));
    }

    [Fact]
    public async Task A_typed_value_ISession_cannot_represent_is_a_clear_error_never_other_bytes()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/typed/set-list?key=cart");

        var text = await client.GetStringAsync("/is/raw?key=cart");

        Assert.StartsWith("error: The session value 'cart'", text, StringComparison.Ordinal);
        Assert.Contains("ISession cannot represent", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_the_extensions_wrote_reads_as_a_typed_string_or_int_and_anything_else_fails_clearly()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/is/set-string?key=name&value=alice");
        await client.PostAsync("/is/set-int?key=visits&value=-7");

        // The bytes stay the bytes ISession wrote; typed code reads them as SetString/SetInt32 meant them.
        Assert.Equal(Convert.ToHexString("alice"u8), await client.GetStringAsync("/is/raw?key=name"));
        Assert.Equal(Convert.ToHexString("alice"u8), await client.GetStringAsync("/typed/read-bytes?key=name"));
        Assert.Equal("alice", await client.GetStringAsync("/typed/read-string?key=name"));
        Assert.Equal("-7", await client.GetStringAsync("/typed/read-int?key=visits"));

        // Never garbage: bytes that are not UTF-8, or not the 4 bytes of an int, are an error for typed readers.
        await client.PostAsync("/is/set-bytes?key=blob&hex=FF00FE");
        Assert.Equal("error", await client.GetStringAsync("/typed/read-string?key=blob"));
        Assert.Equal("error", await client.GetStringAsync("/typed/read-int?key=blob"));
        Assert.Equal("error", await client.GetStringAsync("/typed/read-int?key=name"));
        Assert.Equal("FF00FE", await client.GetStringAsync("/is/raw?key=blob"));
    }

    [Fact]
    public async Task The_id_is_the_store_key_not_the_cookie_and_changes_when_the_id_is_cycled()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        Assert.Equal(string.Empty, await client.GetStringAsync("/is/id"));

        await client.PostAsync("/is/set-string?key=name&value=alice");
        var id = await client.GetStringAsync("/is/id");
        Assert.True(SessionId.TryParse(client.Cookie, out var cookieId));
        Assert.Equal(cookieId!.StoreKey, id);
        Assert.DoesNotContain(client.Cookie!, id, StringComparison.Ordinal);

        await client.PostAsync("/typed/cycle");
        var cycled = await client.GetStringAsync("/is/id");
        Assert.NotEqual(id, cycled);
        Assert.Equal(64, cycled.Length);
    }

    [Fact]
    public async Task CommitAsync_completes_and_the_middleware_still_stores_the_write()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/is/commit?key=k&value=v");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("committed", await response.Content.ReadAsStringAsync());
        Assert.Equal("v", await client.GetStringAsync("/is/get-string?key=k"));
    }

    [Fact]
    public async Task In_on_demand_mode_the_session_is_available_after_LoadAsync_only()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/probe", async (HttpContext c) =>
            {
                var before = c.Session.IsAvailable;
                await c.Session.LoadAsync();
                return $"{before} {c.Session.IsAvailable} {c.Session.GetString("name") ?? "(none)"}";
            });
            a.MapPost("/set", (HttpContext c) => c.GetSession().Set("name", "alice"));
        }, o => o.LoadMode = SessionLoadMode.OnDemand);
        using var client = app.CreateClient();
        await client.PostAsync("/set");

        Assert.Equal("False True alice", await client.GetStringAsync("/probe"));
    }

    [Fact]
    public async Task Concurrent_requests_writing_different_keys_through_ISession_keep_every_write()
    {
        // Every write must answer 200: on a busy machine 30 writes can queue for SQLite's write lock longer than the
        // 5-second default store timeout.
        await using var app = await StartAsync(o => o.StoreTimeout = TimeSpan.FromSeconds(30));
        using var client = app.CreateClient();
        await client.PostAsync("/is/set-string?key=seed&value=1");
        var cookie = client.Cookie;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return (await c.PostAsync($"/is/set-string?key=k{i}&value={i}")).StatusCode;
        }));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var keys = (await client.GetStringAsync("/is/keys")).Split(',');
        Assert.Equal(31, keys.Length);
    }

    [Fact]
    public async Task A_store_that_is_down_gives_503_to_ISession_code_too()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/is/set-string?key=name&value=alice");

        app.Store.FailOn = "save";
        var response = await client.PostAsync("/is/set-string?key=name&value=bob");
        app.Store.FailOn = null;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("alice", await client.GetStringAsync("/is/get-string?key=name"));
    }

    /// <summary>On the in-memory store.</summary>
    public sealed class OnMemory() : HttpContextSessionTests(TestStore.Memory);

    /// <summary>On a SQLite file.</summary>
    public sealed class OnSqlite() : HttpContextSessionTests(TestStore.Sqlite);

    /// <summary>On the test Redis server.</summary>
    public sealed class OnRedis() : HttpContextSessionTests(TestStore.Redis);
}
