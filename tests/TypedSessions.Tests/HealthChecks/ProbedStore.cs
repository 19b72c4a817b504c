using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests.HealthChecks;

/// <summary>
/// A memory store with a health probe the test decides (<see cref="Probe"/>), counting its probes apart from its session
/// calls.
/// </summary>
internal sealed class ProbedStore : ISessionStore, ISessionStoreHealth
{
    private readonly MemorySessionStore _inner = new();
    private int _probes;
    private int _sessionCalls;

    /// <summary>The probe; the default answers at once.</summary>
    public Func<CancellationToken, ValueTask> Probe { get; set; } = _ => ValueTask.CompletedTask;

    /// <summary>Whether the store declares <see cref="SessionStoreCapabilities.NeverBlocksCaller"/>.</summary>
    public bool ClaimsNeverBlocksCaller { get; set; }

    public int Probes => Volatile.Read(ref _probes);

    public int SessionCalls => Volatile.Read(ref _sessionCalls);

    public SessionStoreCapabilities Capabilities => ClaimsNeverBlocksCaller
        ? _inner.Capabilities
        : _inner.Capabilities & ~SessionStoreCapabilities.NeverBlocksCaller;

    public ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _probes);
        return Probe(cancellationToken);
    }

    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
        => Count(_inner.LoadAsync(key, request, cancellationToken));

    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
        => Count(_inner.CreateAsync(key, record, cancellationToken));

    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        => Count(_inner.SaveAsync(key, changes, cancellationToken));

    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        => Count(_inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken));

    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        => Count(_inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken));

    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
        => Count(_inner.TouchAsync(key, now, threshold, cancellationToken));

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
        => Count(_inner.DeleteAsync(key, cancellationToken));

    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
        => Count(_inner.DeleteExpiredAsync(now, progress, cancellationToken));

    private ValueTask<T> Count<T>(ValueTask<T> call)
    {
        Interlocked.Increment(ref _sessionCalls);
        return call;
    }
}
