using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// The built-in's store for the parity suite: the memory cache <c>AddDistributedMemoryCache()</c> configures, behind a
/// switch that makes every call throw (a cache server that is down) or drops every entry.
/// </summary>
internal sealed class SwitchableDistributedCache(IOptions<MemoryDistributedCacheOptions> options) : IDistributedCache, IParityStore
{
    private volatile MemoryDistributedCache _inner = new(options);

    public bool IsDown { get; set; }

    public void ForgetAllSessions() => _inner = new MemoryDistributedCache(options);

    public byte[]? Get(string key) => Inner.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Inner.GetAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Inner.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        => Inner.SetAsync(key, value, options, token);

    public void Refresh(string key) => Inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => Inner.RefreshAsync(key, token);

    public void Remove(string key) => Inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => Inner.RemoveAsync(key, token);

    private MemoryDistributedCache Inner => IsDown ? throw new IOException("The distributed cache is down (parity test switch).") : _inner;
}
