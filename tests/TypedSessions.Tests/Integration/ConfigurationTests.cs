using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.File;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests.Integration;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Options_bind_from_the_TypedSessions_configuration_section()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ts-cfg-" + Guid.NewGuid().ToString("N"));
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "File",
            ["TypedSessions:Folder"] = folder,
            ["TypedSessions:IdleTimeout"] = "00:05:00",
            ["TypedSessions:AbsoluteTimeout"] = "02:00:00",
            ["TypedSessions:MaxSessionSize"] = "4096",
            ["TypedSessions:FailurePolicy"] = "ContinueUnavailable",
            ["TypedSessions:LoadMode"] = "OnDemand",
            ["TypedSessions:StoreTimeout"] = "00:00:02",
            ["TypedSessions:Cookie:Name"] = "sid",
            ["TypedSessions:Cookie:SameSite"] = "Strict",
        });

        var options = app.Services.GetRequiredService<IOptions<TypedSessionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(2), options.AbsoluteTimeout);
        Assert.Equal(4096, options.MaxSessionSize);
        Assert.Equal(StoreFailurePolicy.ContinueUnavailable, options.FailurePolicy);
        Assert.Equal(SessionLoadMode.OnDemand, options.LoadMode);
        Assert.Equal(TimeSpan.FromSeconds(2), options.StoreTimeout);
        var store = Assert.IsType<FileSessionStore>(app.Services.GetRequiredService<ISessionStore>());
        Assert.Equal(Path.GetFullPath(folder), store.Folder);

        using var client = app.GetTestClient();
        var response = await client.PostAsync(new Uri("https://localhost/set"), null);
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-sid=", header, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", header, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(folder, "*.session", SearchOption.AllDirectories));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task The_host_prefix_is_dropped_when_the_cookie_does_not_qualify()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Memory",
            ["TypedSessions:Cookie:Path"] = "/shop",
        });
        using var client = app.GetTestClient();

        var response = await client.PostAsync(new Uri("https://localhost/set"), null);

        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("session=", header, StringComparison.Ordinal);
        Assert.Contains("path=/shop", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_chosen_store_startup_fails_with_guidance()
    {
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?>(), addMemory: false));

        Assert.Contains("TypedSessions:Store", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_store_name_fails_with_the_registered_names()
    {
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?> { ["TypedSessions:Store"] = "Cassandra" }));

        Assert.Contains("Cassandra", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Memory", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TypedSessions:IdleTimeout", "-00:01:00")]
    [InlineData("TypedSessions:SlidingRefreshThreshold", "1.5")]
    [InlineData("TypedSessions:MaxSessionSize", "0")]
    [InlineData("TypedSessions:Cookie:Name", "bad name")]
    [InlineData("TypedSessions:Cookie:SameSite", "None")]
    public async Task Invalid_settings_fail_at_startup(string key, string value)
    {
        var settings = new Dictionary<string, string?> { ["TypedSessions:Store"] = "Memory", [key] = value };
        if (key.EndsWith("SameSite", StringComparison.Ordinal))
        {
            settings["TypedSessions:Cookie:SecurePolicy"] = "SameAsRequest";
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));

        Assert.Contains(key.Split(':')[^1], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_store_can_be_added_by_name()
    {
        await using var app = await StartAsync(new Dictionary<string, string?> { ["TypedSessions:Store"] = "Custom" }, builder => builder.AddStore<MyStore>("Custom"));

        Assert.IsType<MyStore>(app.Services.GetRequiredService<ISessionStore>());
    }

    [Fact]
    public async Task UseTypedSessions_without_AddTypedSessions_explains_what_is_missing()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.UseTypedSessions());

        Assert.Contains("AddTypedSessions", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, Action<TypedSessionsBuilder>? stores = null, bool addMemory = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        var sessions = builder.Services.AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero);
        if (addMemory)
        {
            sessions.AddMemoryStore();
        }

        stores?.Invoke(sessions);
        var app = builder.Build();
        try
        {
            app.UseTypedSessions();
            app.MapPost("/set", async (HttpContext c) =>
            {
                await c.LoadSessionAsync();
                c.GetSession().Set("k", 1);
                return Results.NoContent();
            });
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private sealed class MyStore : ISessionStore
    {
        private readonly MemorySessionStore _inner = new();

        public SessionStoreCapabilities Capabilities => _inner.Capabilities;

        public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default) => _inner.LoadAsync(key, request, cancellationToken);

        public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default) => _inner.CreateAsync(key, record, cancellationToken);

        public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default) => _inner.SaveAsync(key, changes, cancellationToken);

        public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default) => _inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);

        public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default) => _inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);

        public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default) => _inner.TouchAsync(key, now, threshold, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default) => _inner.DeleteExpiredAsync(now, progress, cancellationToken);
    }
}
