using TypedSessions.Testing;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Sqlite.Tests;

public sealed class SqlitePipelineTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_store_is_selected_by_configuration_and_creates_its_database_file()
    {
        await using var app = await StartAsync();

        Assert.IsType<SqliteSessionStore>(app.Services.GetRequiredService<TypedSessions.Storage.ISessionStore>());
        using var client = app.GetTestClient();
        var response = await client.PostAsync(new Uri("https://localhost/inc/a"), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(_db.Path_));
    }

    [Fact]
    public async Task One_hundred_concurrent_requests_on_one_session_each_incrementing_its_own_counter_leave_all_100()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        await ConcurrentCountersCheck.AssertNoLostUpdatesAsync(client);
    }

    [Fact]
    public async Task Concurrent_requests_each_adding_a_key_never_together_make_the_session_unreadable()
    {
        // A session three keys short of the most a load accepts; twelve requests on its cookie each add their own key.
        // Every request has loaded the session and set its key before any of them saves (they wait for each other), so
        // the session API lets each through; the store counts what is stored at the moment of the write: three are
        // stored (200), the other nine are refused (413, nothing written), and the session still loads with all three.
        // Before the store counted, all twelve answered 200 and the session, with 10,009 keys, loaded as corrupt:
        // every acknowledged write lost.
        const int room = 3;
        const int requests = 12;
        var maxKeys = TypedSessions.Storage.SessionEnvelopeLimits.Default.MaxKeys;
        var arrived = 0;
        var allSet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(a =>
        {
            a.MapPost("/fill/{n:int}", (HttpContext c, int n) =>
            {
                var session = c.GetSession();
                for (var i = 0; i < n; i++)
                {
                    session.Set("k" + i, i);
                }

                return "ok";
            });
            a.MapPost("/add/{name}", async Task<string> (HttpContext c, string name) =>
            {
                c.GetSession().Set(name, 1);
                if (Interlocked.Increment(ref arrived) == requests)
                {
                    allSet.SetResult();
                }

                await allSet.Task.WaitAsync(TimeSpan.FromSeconds(30));
                return "ok";
            });
            a.MapGet("/keys", (HttpContext c) => string.Join(',', c.GetSession().Keys.Where(k => k.StartsWith("new", StringComparison.Ordinal)).Order(StringComparer.Ordinal)) + ";" + c.GetSession().Count);
        });
        using var client = app.GetTestClient();
        var filled = await client.PostAsync(new Uri($"https://localhost/fill/{maxKeys - room}"), null);
        Assert.Equal(HttpStatusCode.OK, filled.StatusCode);
        var cookie = Assert.Single(filled.Headers.GetValues("Set-Cookie")).Split(';')[0];

        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://localhost/add/new{i:00}"));
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(room, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, a.StatusCode);
            Assert.Contains("Nothing was saved", a.Body, StringComparison.Ordinal);
        });
        using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/keys"));
        read.Headers.Add("Cookie", cookie);
        var stored = await (await client.SendAsync(read)).Content.ReadAsStringAsync();
        var acknowledged = Enumerable.Range(0, requests).Where(i => answers[i].StatusCode == HttpStatusCode.OK).Select(i => $"new{i:00}");
        Assert.Equal(string.Join(',', acknowledged) + ";" + maxKeys, stored);
    }

    private async Task<WebApplication> StartAsync(Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Sqlite",
            ["TypedSessions:ConnectionString"] = _db.ConnectionString,
            ["TypedSessions:CleanupInterval"] = "00:00:00",

            // Every request must answer 200: on a busy machine 100 writes can queue for SQLite's write lock longer
            // than the 5-second default store timeout.
            ["TypedSessions:StoreTimeout"] = "00:00:30",
        });
        builder.Services.AddTypedSessions().AddSqliteStore();
        var app = builder.Build();
        app.UseTypedSessions();
        ConcurrentCountersCheck.MapCounterEndpoints(app);
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }
}
