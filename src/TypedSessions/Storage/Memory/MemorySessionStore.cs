using System.Collections.Concurrent;

namespace TypedSessions.Storage.Memory;

/// <summary>
/// Keeps sessions in this process's memory: for tests and development. Data is lost on restart and
/// not shared between instances. Per-key merges are atomic (a lock per key stripe).
/// </summary>
public sealed class MemorySessionStore : ISessionStore, ISessionBlindWriter, ISessionKeyReader, ISessionUserIndex, ISessionUserListing, ISessionStoreStatistics, ISessionStoreHealth
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "Memory";

    private readonly ConcurrentDictionary<string, SessionRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock[] _stripes = Enumerable.Range(0, 64).Select(_ => new Lock()).ToArray();

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.NeverBlocksCaller | SessionStoreCapabilities.BlindWrites | SessionStoreCapabilities.KeyReads;

    /// <summary>How many records are held, expired ones included.</summary>
    public int Count => _records.Count;

    /// <inheritdoc/>
    /// <remarks>Always healthy: the sessions are in this process's memory.</remarks>
    public ValueTask CheckHealthAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        _records.TryGetValue(key, out var record);
        var result = SessionLoadResult.From(record, request);
        if (result.Touched)
        {
            lock (StripeFor(key))
            {
                // Another writer may have replaced the record meanwhile; touch what is there now.
                if (_records.TryGetValue(key, out var current) && current.Lifetime.Touch(request.Now, request.TouchThreshold!.Value) is { } touched)
                {
                    result = new SessionLoadResult(current.WithLifetime(touched), true);
                    _records[key] = result.Record!;
                }
            }
        }

        return ValueTask.FromResult(result);
    }

    /// <inheritdoc/>
    /// <remarks>The values are in this process's memory either way; it exists so that the partial load runs against the in-memory store as on Redis.</remarks>
    public async ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        var result = await LoadAsync(key, request, cancellationToken).ConfigureAwait(false);
        return result.Record is { } record ? result with { Record = record.WithOnly(names) } : result;
    }

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        lock (StripeFor(key))
        {
            if (_records.TryGetValue(key, out var existing) && !existing.Lifetime.IsExpired(record.CreatedAt))
            {
                return ValueTask.FromResult(false);
            }

            _records[key] = record;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Save(key, changes, null, out _));

    /// <inheritdoc/>
    public ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(new SessionBlindWriteResult(Save(key, changes, maxSize, out var updated), updated?.Lifetime));

    private SessionWriteOutcome Save(string key, SessionChangeSet changes, long? maxSize, out SessionRecord? updated)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (StripeFor(key))
        {
            _records.TryGetValue(key, out var existing);
            var outcome = SessionRecord.TryApply(existing, changes, maxSize ?? long.MaxValue, SessionEnvelopeLimits.Default.MaxKeys, out updated);
            if (outcome == SessionWriteOutcome.Applied)
            {
                _records[key] = updated!;
            }

            return outcome;
        }
    }

    /// <inheritdoc/>
    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);

        // Both stripes, always in the same order, so two cycles never wait on each other crosswise.
        var (first, second) = (StripeFor(key), StripeFor(newKey));
        if (Array.IndexOf(_stripes, first) > Array.IndexOf(_stripes, second))
        {
            (first, second) = (second, first);
        }

        lock (first)
        {
            lock (second)
            {
                _records.TryGetValue(key, out var existing);
                var outcome = SessionRecord.TryApply(existing, changes, out var moved);
                if (outcome == SessionWriteOutcome.Applied)
                {
                    _records[newKey] = moved!;
                    _records[key] = SessionRecord.Tombstone(changes.Now, tombstoneExpiresAt);
                }

                return ValueTask.FromResult(outcome);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        lock (StripeFor(key))
        {
            _records.TryGetValue(key, out var existing);
            var outcome = SessionRecord.EndOutcome(existing, now);
            if (outcome == SessionWriteOutcome.Applied)
            {
                _records[key] = SessionRecord.Tombstone(now, tombstoneExpiresAt);
            }

            return ValueTask.FromResult(outcome);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        lock (StripeFor(key))
        {
            if (!_records.TryGetValue(key, out var existing) || existing.Lifetime.Touch(now, threshold) is not { } touched)
            {
                return ValueTask.FromResult(false);
            }

            _records[key] = existing.WithLifetime(touched);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (StripeFor(key))
        {
            return ValueTask.FromResult(_records.TryRemove(key, out _));
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var expired = _records.Where(r => r.Value.Lifetime.IsExpired(now)).Select(r => r.Key).ToList();
        long deleted = 0;
        foreach (var key in expired)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (StripeFor(key))
            {
                if (_records.TryGetValue(key, out var record) && record.Lifetime.IsExpired(now) && _records.TryRemove(key, out _))
                {
                    deleted++;
                }
            }

            if (deleted % 1000 == 0)
            {
                progress?.Report(new SessionCleanupProgress(deleted, expired.Count));
            }
        }

        progress?.Report(new SessionCleanupProgress(deleted, expired.Count));
        return ValueTask.FromResult(deleted);
    }

    /// <inheritdoc/>
    /// <remarks>Scans every record held; a session's size is its encoded record (the envelope a persistent store would write). Live tombstones are not sessions and are not counted.</remarks>
    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sizes = new List<long>(_records.Count);
        long expired = 0;
        foreach (var (_, record) in _records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Lifetime.IsExpired(now))
            {
                expired++;
            }
            else if (!record.IsTombstone)
            {
                sizes.Add(SessionEnvelope.Serialize(record).Length);
            }
        }

        var summary = SessionSizeSummary.FromSizes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sizes));
        return ValueTask.FromResult(new SessionStoreStatistics(sizes.Count, expired, summary));
    }

    /// <inheritdoc/>
    /// <remarks>Scans every record held (this store is for tests and development).</remarks>
    public ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        long deleted = 0;
        foreach (var (key, record) in _records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!string.Equals(record.UserKey, userKey, StringComparison.Ordinal))
            {
                continue;
            }

            lock (StripeFor(key))
            {
                // Re-checked under the lock: a save may have re-bound the session meanwhile.
                if (_records.TryGetValue(key, out var current) && string.Equals(current.UserKey, userKey, StringComparison.Ordinal) && _records.TryRemove(key, out _))
                {
                    deleted++;
                }
            }
        }

        return ValueTask.FromResult(deleted);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        var keys = _records
            .Where(pair => string.Equals(pair.Value.UserKey, userKey, StringComparison.Ordinal) && pair.Value.Lifetime.ExpiresAt > now)
            .Select(pair => pair.Key)
            .ToList();
        return ValueTask.FromResult<IReadOnlyList<string>>(keys);
    }

    private Lock StripeFor(string key) => _stripes[(uint)string.GetHashCode(key, StringComparison.Ordinal) % (uint)_stripes.Length];
}
