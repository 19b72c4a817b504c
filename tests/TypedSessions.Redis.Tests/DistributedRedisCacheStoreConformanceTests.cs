using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;
using TypedSessions.Testing;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary>The kit over the <c>IDistributedCache</c> store on the StackExchange.Redis cache: whole-session last writer wins (no atomic merge), no enumeration.</summary>
public sealed class DistributedRedisCacheStoreConformanceTests : BackendSessionStoreConformanceTests
{
    private readonly string _prefix = TestRedis.NewPrefix();
    private readonly List<RedisCache> _caches = [];

    protected override bool EnumeratesSessions => false;

    protected override Task<ISessionStore> CreateStoreAsync()
        => Task.FromResult<ISessionStore>(Create(TestServers.Redis));

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);
        _caches.ForEach(c => c.Dispose());
        await TestRedis.DeletePrefixAsync(_prefix);
    }

    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        await Cache(TestServers.Redis).SetAsync(((DistributedCacheSessionStore)store).CacheKeyFor(key), [0x93, 0x01, 0xff], new());
    }

    protected override Task<ISessionStore> CreateUnavailableStoreAsync()
        => Task.FromResult<ISessionStore>(Create($"127.0.0.1:{TestServers.FreePort()},connectTimeout=1000,asyncTimeout=1500,syncTimeout=1500,connectRetry=0"));

    private DistributedCacheSessionStore Create(string configuration)
        => new DistributedCacheSessionStore(Cache(configuration), Options.Create(new DistributedCacheSessionStoreOptions { KeyPrefix = string.Empty }));

    private RedisCache Cache(string configuration)
    {
        var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = configuration, InstanceName = _prefix }));
        _caches.Add(cache);
        return cache;
    }
}
