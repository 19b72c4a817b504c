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

    private async Task<WebApplication> StartAsync()
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
        await app.StartAsync();
        return app;
    }
}
