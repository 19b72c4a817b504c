using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;

namespace TypedSessions.Testing.Tests;

/// <summary>The kit over the <see cref="IDistributedCache"/> store on <see cref="MemoryDistributedCache"/>: no atomic merge (the 100-writer test checks only consistency), no enumeration.</summary>
public sealed class DistributedMemoryCacheStoreConformanceTests : PersistentSessionStoreConformanceTests
{
    private readonly MemoryDistributedCache _cache = new(Options.Create(new MemoryDistributedCacheOptions()));

    protected override bool EnumeratesSessions => false;

    protected override Task<ISessionStore> CreateStoreAsync()
        => Task.FromResult<ISessionStore>(new DistributedCacheSessionStore(_cache, Options.Create(new DistributedCacheSessionStoreOptions())));

    protected override Task CorruptAsync(ISessionStore store, string key)
        => _cache.SetAsync(((DistributedCacheSessionStore)store).CacheKeyFor(key), [0x93, 0x01, 0xff]);
}
