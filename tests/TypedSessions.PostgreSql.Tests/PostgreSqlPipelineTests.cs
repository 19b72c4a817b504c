using TypedSessions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.TestSupport;

namespace TypedSessions.PostgreSql.Tests;

public sealed class PostgreSqlPipelineTests : IAsyncLifetime
{
    private readonly string _table = TestPostgres.NewTableName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropTableAsync(_table);

    [Fact]
    public async Task The_store_is_selected_by_configuration_and_100_concurrent_requests_on_one_session_keep_every_key()
    {
        await using var app = await StartAsync();
        Assert.IsType<PostgreSqlSessionStore>(app.Services.GetRequiredService<TypedSessions.Storage.ISessionStore>());
        using var client = app.GetTestClient();
        await ConcurrentCountersCheck.AssertNoLostUpdatesAsync(client);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "PostgreSql",
            ["TypedSessions:ConnectionString"] = TestServers.Postgres,
            ["TypedSessions:CleanupInterval"] = "00:00:00",

            // Every request must answer 200: on a busy machine 100 writes on one row can queue longer than the
            // 5-second default store timeout.
            ["TypedSessions:StoreTimeout"] = "00:00:30",
        });
        builder.Services.AddTypedSessions().AddMemoryStore().AddPostgreSqlStore(o => o.TableName = _table);
        var app = builder.Build();
        app.UseTypedSessions();
        ConcurrentCountersCheck.MapCounterEndpoints(app);
        await app.StartAsync();
        return app;
    }
}
