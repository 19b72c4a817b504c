using System.Globalization;
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
        var first = await client.PostAsync(new Uri("https://localhost/inc/owner"), null);
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://localhost/inc/c{i}"));
            request.Headers.Add("Cookie", cookie);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));

        using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/count"));
        read.Headers.Add("Cookie", cookie);
        var body = await (await client.SendAsync(read)).Content.ReadAsStringAsync();
        Assert.Equal("101:101", body);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Sqlite",
            ["TypedSessions:ConnectionString"] = _db.ConnectionString,
            ["TypedSessions:CleanupInterval"] = "00:00:00",
        });
        builder.Services.AddTypedSessions().AddSqliteStore();
        var app = builder.Build();
        app.UseTypedSessions();
        app.MapPost("/inc/{name}", (HttpContext c, string name) =>
        {
            var session = c.GetSession();
            var value = session.Get<int>("counter:" + name) + 1;
            session.Set("counter:" + name, value);
            return value.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/count", (HttpContext c) =>
        {
            var session = c.GetSession();
            var keys = session.Keys.Where(k => k.StartsWith("counter:", StringComparison.Ordinal)).ToList();
            return $"{keys.Count}:{keys.Sum(k => session.Get<int>(k))}";
        });
        await app.StartAsync();
        return app;
    }
}
