using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;

namespace TypedSessions.Tests;

public sealed class DistributedCacheSessionStoreTests
{
    [Fact]
    public async Task The_store_is_chosen_by_configuration_over_the_apps_distributed_cache_and_keeps_whole_envelopes_under_the_prefix()
    {
        await using var services = Services(withCache: true);
        var store = Assert.IsType<DistributedCacheSessionStore>(services.GetRequiredService<ISessionStore>());
        Assert.Equal(SessionStoreCapabilities.NativeExpiry, store.Capabilities);

        var key = new string('a', 64);
        var now = DateTimeOffset.UtcNow;
        var record = new SessionRecord(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["k"] = [1] },
            now,
            SessionLifetime.Compute(SessionExpiryMode.Default, now, now, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));
        Assert.True(await store.CreateAsync(key, record));

        Assert.Equal("app:" + key, store.CacheKeyFor(key));
        var cached = await services.GetRequiredService<IDistributedCache>().GetAsync("app:" + key);
        Assert.NotNull(cached);
        Assert.Equal([1], SessionEnvelope.Deserialize(cached).Values["k"]);
    }

    [Fact]
    public void Without_an_IDistributedCache_the_error_says_what_to_register()
    {
        using var services = Services(withCache: false);
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<ISessionStore>());
        Assert.Contains("AddDistributedMemoryCache", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(bool withCache)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TypedSessions:Store"] = "DistributedCache" }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (withCache)
        {
            services.AddDistributedMemoryCache();
        }

        services.AddTypedSessions().AddDistributedCacheStore(o => o.KeyPrefix = "app:");
        return services.BuildServiceProvider();
    }
}
