using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary><c>AddHealthChecks().AddTypedSessionsStore()</c> on the Redis store (a PING), through <c>MapHealthChecks</c>.</summary>
public sealed class RedisHealthCheckTests : IAsyncLifetime
{
    private readonly string _prefix = TestRedis.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestRedis.DeletePrefixAsync(_prefix);

    [Fact]
    public async Task A_reachable_server_is_healthy_and_the_probe_sets_no_cookie()
    {
        await using var app = await StartAsync(TestServers.Redis);
        using var client = app.GetTestClient();
        using var write = await client.PostAsync(new Uri("https://localhost/write"), null);
        var cookie = write.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/health"));
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy: The session store Redis answered its health probe.", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_port_nothing_listens_on_is_unhealthy_within_the_timeout()
    {
        var port = TestServers.FreePort();
        await using var app = await StartAsync($"127.0.0.1:{port},connectTimeout=1000,asyncTimeout=1500,syncTimeout=1500,connectRetry=0", TimeSpan.FromSeconds(4));
        using var client = app.GetTestClient();

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri("https://localhost/health"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("Unhealthy: The session store Redis ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_paused_server_is_unhealthy_at_the_timeout_and_healthy_again_once_it_answers()
    {
        await using var server = await PrivateRedisServer.StartAsync(durable: false);
        await using var app = await StartAsync($"{server.ConnectionString},connectTimeout=1000,asyncTimeout=5000", TimeSpan.FromMilliseconds(500));
        using var client = app.GetTestClient();

        // Healthy first (the first probe also connects: polled, as a loaded machine can take longer than 500 ms).
        Assert.Equal(HttpStatusCode.OK, await HealthyWithinAsync(client, TimeSpan.FromSeconds(30)));

        // Paused well past the timeout, so the probe meets the pause however slowly this request starts.
        await server.PauseAllAsync(TimeSpan.FromSeconds(6));
        var clock = Stopwatch.StartNew();
        using var paused = await client.GetAsync(new Uri("https://localhost/health"));
        var elapsed = clock.Elapsed;
        await server.WaitAnsweringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, paused.StatusCode);
        Assert.Equal("Unhealthy: The session store Redis did not answer its health probe within 00:00:00.5000000.", await paused.Content.ReadAsStringAsync());
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, await HealthyWithinAsync(client, TimeSpan.FromSeconds(30)));
    }

    // The health answer's status once it is OK, or the last one when it is not within the time given.
    private static async Task<HttpStatusCode> HealthyWithinAsync(HttpClient client, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var answer = await client.GetAsync(new Uri("https://localhost/health"));
            if (answer.StatusCode == HttpStatusCode.OK || deadline.Elapsed > limit)
            {
                return answer.StatusCode;
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_stopped_server_is_unhealthy_and_healthy_again_when_it_is_back()
    {
        await using var server = await PrivateRedisServer.StartAsync(durable: false);
        await using var app = await StartAsync($"{server.ConnectionString},connectTimeout=1000,asyncTimeout=1500", TimeSpan.FromSeconds(3));
        using var client = app.GetTestClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("https://localhost/health"))).StatusCode);

        await server.StopAsync();
        using var down = await client.GetAsync(new Uri("https://localhost/health"));
        await server.StartAgainAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await HealthyWithinAsync(client, TimeSpan.FromSeconds(30)));
    }

    private async Task<WebApplication> StartAsync(string connectionString, TimeSpan? timeout = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Redis",
            ["TypedSessions:ConnectionString"] = connectionString,
            ["TypedSessions:CleanupInterval"] = "00:00:00",
        });
        builder.Services.AddTypedSessions().AddMemoryStore().AddRedisStore(o => o.KeyPrefix = _prefix);
        builder.Services.AddHealthChecks().AddTypedSessionsStore(timeout: timeout ?? TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.UseTypedSessions();
        app.MapPost("/write", (HttpContext context) => context.GetSession().Set("n", 1));
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => context.Response.WriteAsync($"{report.Status}: {report.Entries.Single().Value.Description}"),
        }).WithoutSession();
        await app.StartAsync();
        return app;
    }
}
