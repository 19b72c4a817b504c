using Microsoft.Extensions.Caching.Distributed;
using TypedSessions.Storage;

namespace TypedSessions.LoadHarness;

/// <summary>Counts the calls both libraries make to their backend, so a round reports store calls per request.</summary>
internal sealed class BackendCounters
{
    private long _typedSessions;
    private long _builtIn;
    private long _conflicts;

    public long TypedSessions => Interlocked.Read(ref _typedSessions);

    public long BuiltIn => Interlocked.Read(ref _builtIn);

    /// <summary>TypedSessions answers 409 (conflict detection refused a lost read-modify-write, or the session was interrupted).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    public void CountConflict() => Interlocked.Increment(ref _conflicts);

    public void CountTypedSessions() => Interlocked.Increment(ref _typedSessions);

    public void CountBuiltIn() => Interlocked.Increment(ref _builtIn);
}

/// <summary>Counts TypedSessions store calls.</summary>
internal sealed class CountingStore(ISessionStore inner, BackendCounters counters) : ISessionStore, ISessionBlindWriter, ISessionKeyReader
{
    public SessionStoreCapabilities Capabilities => inner.Capabilities;

    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.LoadAsync(key, request, cancellationToken);
    }

    public ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return ((ISessionKeyReader)inner).LoadKeysAsync(key, names, request, cancellationToken);
    }

    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.CreateAsync(key, record, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.SaveAsync(key, changes, cancellationToken);
    }

    public ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return ((ISessionBlindWriter)inner).SaveBlindAsync(key, changes, maxSize, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);
    }

    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.TouchAsync(key, now, threshold, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        counters.CountTypedSessions();
        return inner.DeleteAsync(key, cancellationToken);
    }

    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
        => inner.DeleteExpiredAsync(now, progress, cancellationToken);
}

/// <summary>Counts the built-in session's IDistributedCache calls.</summary>
internal sealed class CountingCache(IDistributedCache inner, BackendCounters counters) : IDistributedCache
{
    public byte[]? Get(string key)
    {
        counters.CountBuiltIn();
        return inner.Get(key);
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        counters.CountBuiltIn();
        return inner.GetAsync(key, token);
    }

    public void Refresh(string key)
    {
        counters.CountBuiltIn();
        inner.Refresh(key);
    }

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        counters.CountBuiltIn();
        return inner.RefreshAsync(key, token);
    }

    public void Remove(string key)
    {
        counters.CountBuiltIn();
        inner.Remove(key);
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        counters.CountBuiltIn();
        return inner.RemoveAsync(key, token);
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        counters.CountBuiltIn();
        inner.Set(key, value, options);
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        counters.CountBuiltIn();
        return inner.SetAsync(key, value, options, token);
    }
}
