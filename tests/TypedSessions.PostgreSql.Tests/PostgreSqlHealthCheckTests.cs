using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.TestSupport;

namespace TypedSessions.PostgreSql.Tests;

/// <summary><c>AddHealthChecks().AddTypedSessionsStore()</c> on the PostgreSQL store, through <c>MapHealthChecks</c>.</summary>
public sealed class PostgreSqlHealthCheckTests : IAsyncLifetime
{
    private readonly string _table = TestPostgres.NewTableName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropTableAsync(_table);

    [Fact]
    public async Task A_reachable_server_is_healthy_and_the_probe_sets_no_cookie()
    {
        await using var app = await StartAsync(TestServers.Postgres);
        using var client = app.GetTestClient();
        using var write = await client.PostAsync(new Uri("https://localhost/write"), null);
        var cookie = write.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/health"));
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy: The session store PostgreSql answered its health probe.", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_port_nothing_listens_on_is_unhealthy_well_within_the_timeout()
    {
        var port = TestServers.FreePort();
        await using var app = await StartAsync($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3");
        using var client = app.GetTestClient();

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri("https://localhost/health"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("Unhealthy: The session store PostgreSql failed its health probe: ", text, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_unhealthy_at_the_timeout()
    {
        // The kernel completes the TCP handshake; nothing ever answers Npgsql's startup message.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            await using var app = await StartAsync($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30", timeout: TimeSpan.FromMilliseconds(500));
            using var client = app.GetTestClient();

            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri("https://localhost/health"));

            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(15)); // Npgsql's own timeout is 30 s
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("Unhealthy: The session store PostgreSql did not answer its health probe within 00:00:00.5000000.", await response.Content.ReadAsStringAsync());
        }
        finally
        {
            silent.Stop();
        }
    }

    [Fact]
    public async Task A_missing_table_is_unhealthy_when_the_store_may_not_create_it()
    {
        await using var app = await StartAsync(TestServers.Postgres, createSchema: false);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("https://localhost/health"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("42P01", text, StringComparison.Ordinal);
        Assert.Contains(_table, text, StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartAsync(string connectionString, bool createSchema = true, TimeSpan? timeout = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "PostgreSql",
            ["TypedSessions:ConnectionString"] = connectionString,
            ["TypedSessions:CleanupInterval"] = "00:00:00",
        });
        builder.Services.AddTypedSessions().AddMemoryStore().AddPostgreSqlStore(o =>
        {
            o.TableName = _table;
            o.CreateSchemaOnFirstUse = createSchema;
        });
        builder.Services.AddHealthChecks().AddTypedSessionsStore(timeout: timeout ?? TimeSpan.FromSeconds(8));
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
