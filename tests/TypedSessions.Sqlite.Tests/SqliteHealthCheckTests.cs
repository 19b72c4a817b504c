using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Sqlite.Tests;

/// <summary><c>AddHealthChecks().AddTypedSessionsStore()</c> on the SQLite store, through <c>MapHealthChecks</c>.</summary>
public sealed class SqliteHealthCheckTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_database_that_opens_is_healthy_and_the_probe_sets_no_cookie()
    {
        await using var app = await StartAsync(_db.ConnectionString);
        using var client = app.GetTestClient();
        using var write = await client.PostAsync(new Uri("https://localhost/write"), null);
        var cookie = write.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/health"));
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy: The session store Sqlite answered its health probe.", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_probe_creates_the_schema_as_the_first_request_would()
    {
        await using var app = await StartAsync(_db.ConnectionString);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("https://localhost/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM typedsessions;";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_database_path_that_cannot_be_opened_is_unhealthy_and_names_the_file()
    {
        // A folder where the database file should be: SQLite cannot open it, whoever runs the test.
        var folder = Path.Combine(_db.Folder, "a-folder.db");
        Directory.CreateDirectory(folder);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = folder }.ToString();
        await using var app = await StartAsync(connectionString);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("https://localhost/health"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($"Unhealthy: The session store Sqlite failed its health probe: The SQLite database '{folder}' cannot be used: SQLite Error", text, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static async Task<WebApplication> StartAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Sqlite",
            ["TypedSessions:ConnectionString"] = connectionString,
            ["TypedSessions:CleanupInterval"] = "00:00:00",
        });
        builder.Services.AddTypedSessions().AddMemoryStore().AddSqliteStore();
        builder.Services.AddHealthChecks().AddTypedSessionsStore(timeout: TimeSpan.FromSeconds(5));
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
