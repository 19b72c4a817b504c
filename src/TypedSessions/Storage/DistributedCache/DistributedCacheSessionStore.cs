using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace TypedSessions.Storage.DistributedCache;

/// <summary>
/// Sessions in any <see cref="IDistributedCache"/> (the memory cache, the StackExchange.Redis cache,
/// the SQL Server cache, ...): one cache entry per session under <c>{prefix}{sha256-hex}</c>, holding
/// the whole record as a <see cref="SessionEnvelope"/>, with an absolute expiration that follows the
/// session's expiry so the cache evicts it by itself.
/// </summary>
/// <remarks>
/// <para><b>Whole-session last writer wins.</b> <see cref="IDistributedCache"/> has no compare-and-set or
/// transaction, so a save is read, <see cref="SessionRecord.Apply"/>, write: two requests that save the
/// same session at the same moment each write the whole record, and the later write drops the other's
/// changes, even to different keys. This store therefore does not declare
/// <see cref="SessionStoreCapabilities.AtomicMerge"/>. For the same reason a create checks for a live
/// session before writing (not atomically; 256-bit ids do not collide), and a save racing a delete can
/// write the session back. Use the Redis, PostgreSQL, SQLite or File store when concurrent requests of
/// one user change the session.</para>
/// <para>Expiry is judged from the envelope with the <c>now</c> each call passes; the cache entry's
/// expiration (set relative to that <c>now</c>) only lets the cache drop it. A cache cannot enumerate its
/// entries, so there is no user index and <see cref="DeleteExpiredAsync"/> deletes nothing: expired
/// entries are evicted by the cache (<see cref="SessionStoreCapabilities.NativeExpiry"/>).</para>
/// </remarks>
public sealed class DistributedCacheSessionStore : ISessionStore, ISessionStoreHealth
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "DistributedCache";

    private readonly IDistributedCache _cache;
    private readonly string _prefix;
    private readonly SessionEnvelopeLimits _limits;

    /// <summary>Creates the store.</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="options">Key prefix and limits.</param>
    public DistributedCacheSessionStore(IDistributedCache cache, IOptions<DistributedCacheSessionStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        _cache = cache;
        _prefix = options.Value.KeyPrefix ?? throw new InvalidOperationException("DistributedCacheSessionStoreOptions.KeyPrefix is null.");
        _limits = options.Value.Limits;
    }

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.NativeExpiry;

    /// <summary>The cache key holding the session with store key <paramref name="key"/>.</summary>
    /// <param name="key">The hashed session id.</param>
    /// <returns>The cache key.</returns>
    public string CacheKeyFor(string key)
    {
        SessionStoreKey.ThrowIfInvalid(key);
        return _prefix + key;
    }

    /// <inheritdoc/>
    public async ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        var cacheKey = CacheKeyFor(key);
        var result = SessionLoadResult.From(await ReadAsync(cacheKey, cancellationToken).ConfigureAwait(false), request);
        if (result.Touched)
        {
            await WriteAsync(cacheKey, result.Record!, request.Now, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var cacheKey = CacheKeyFor(key);
        if (await ReadOrNullIfCorruptAsync(cacheKey, cancellationToken).ConfigureAwait(false) is { } existing && !existing.Lifetime.IsExpired(record.CreatedAt))
        {
            return false;
        }

        await WriteAsync(cacheKey, record, record.CreatedAt, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>Read, merge, write: not atomic (an <c>IDistributedCache</c> has no transaction), so concurrent saves are whole-session last-writer-wins and the conflict check can miss a write that lands between the read and the write.</remarks>
    public async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var cacheKey = CacheKeyFor(key);
        var outcome = SessionRecord.TryApply(await ReadAsync(cacheKey, cancellationToken).ConfigureAwait(false), changes, long.MaxValue, _limits.MaxKeys, out var updated);
        if (outcome == SessionWriteOutcome.Applied)
        {
            await WriteAsync(cacheKey, updated!, changes.Now, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Not atomic: read the old entry, write the new one, then the tombstone. A write another request makes to the old
    /// key between the read and the tombstone is lost (docs/stores.md).
    /// </remarks>
    public async ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var cacheKey = CacheKeyFor(key);
        var newCacheKey = CacheKeyFor(newKey);
        var outcome = SessionRecord.TryApply(await ReadAsync(cacheKey, cancellationToken).ConfigureAwait(false), changes, long.MaxValue, _limits.MaxKeys, out var moved);
        if (outcome == SessionWriteOutcome.Applied)
        {
            await WriteAsync(newCacheKey, moved!, changes.Now, cancellationToken).ConfigureAwait(false);
            await WriteAsync(cacheKey, SessionRecord.Tombstone(changes.Now, tombstoneExpiresAt), changes.Now, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <inheritdoc/>
    public async ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        var cacheKey = CacheKeyFor(key);
        var outcome = SessionRecord.EndOutcome(await ReadOrNullIfCorruptAsync(cacheKey, cancellationToken).ConfigureAwait(false), now);
        if (outcome == SessionWriteOutcome.Applied)
        {
            await WriteAsync(cacheKey, SessionRecord.Tombstone(now, tombstoneExpiresAt), now, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        var cacheKey = CacheKeyFor(key);
        var existing = await ReadAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.Lifetime.IsExpired(now) || existing.Lifetime.Touch(now, threshold) is not { } touched)
        {
            return false;
        }

        await WriteAsync(cacheKey, existing.WithLifetime(touched), now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    /// <remarks><see cref="IDistributedCache.RemoveAsync"/> does not say whether the entry existed, so this reads first.</remarks>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var cacheKey = CacheKeyFor(key);
        var existed = await _cache.GetAsync(cacheKey, cancellationToken).ConfigureAwait(false) is not null;
        await _cache.RemoveAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        return existed;
    }

    /// <inheritdoc/>
    /// <remarks>A distributed cache cannot enumerate its entries; it evicts expired sessions itself. Returns 0.</remarks>
    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        progress?.Report(new SessionCleanupProgress(0, 0));
        return ValueTask.FromResult(0L);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A get of <c>{prefix}health-probe</c>, a key no session has (session keys are 64 hex characters): one round
    /// trip to the cache, reading nothing of any session.
    /// </remarks>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
        => await _cache.GetAsync(_prefix + "health-probe", cancellationToken).ConfigureAwait(false);

    private async Task<SessionRecord?> ReadAsync(string cacheKey, CancellationToken cancellationToken)
    {
        var bytes = await _cache.GetAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : SessionEnvelope.Deserialize(bytes, _limits);
    }

    private async Task<SessionRecord?> ReadOrNullIfCorruptAsync(string cacheKey, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionDataException)
        {
            return null;
        }
    }

    private async Task WriteAsync(string cacheKey, SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ttl = record.Lifetime.ExpiresAt - now;
        if (ttl <= TimeSpan.Zero)
        {
            await _cache.RemoveAsync(cacheKey, cancellationToken).ConfigureAwait(false);
            return;
        }

        var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl };
        await _cache.SetAsync(cacheKey, SessionEnvelope.Serialize(record), options, cancellationToken).ConfigureAwait(false);
    }
}
