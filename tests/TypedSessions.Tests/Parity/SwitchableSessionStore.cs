using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// TypedSessions' store for the parity suite: a <see cref="MemorySessionStore"/> behind a switch that makes every call
/// throw (a store that is down) or drops every session.
/// </summary>
internal sealed class SwitchableSessionStore : ISessionStore, IParityStore
{
    private volatile MemorySessionStore _inner = new();

    public bool IsDown { get; set; }

    public SessionStoreCapabilities Capabilities => _inner.Capabilities;

    public void ForgetAllSessions() => _inner = new MemorySessionStore();

    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
        => Inner.LoadAsync(key, request, cancellationToken);

    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
        => Inner.CreateAsync(key, record, cancellationToken);

    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        => Inner.SaveAsync(key, changes, cancellationToken);

    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        => Inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);

    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        => Inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);

    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
        => Inner.TouchAsync(key, now, threshold, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
        => Inner.DeleteAsync(key, cancellationToken);

    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
        => Inner.DeleteExpiredAsync(now, progress, cancellationToken);

    private MemorySessionStore Inner => IsDown ? throw new SessionStoreException("The session store is down (parity test switch).") : _inner;
}
