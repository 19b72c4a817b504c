using System.Collections.Concurrent;
using TypedSessions.Storage;

namespace TypedSessions.Tests.Integration;

/// <summary>Wraps a real store: counts calls per operation and can make an operation fail or hang.</summary>
internal sealed class InstrumentedStore(ISessionStore inner) : ISessionStore, ISessionBlindWriter, ISessionKeyReader, ISessionUserIndex, ISessionUserListing
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public ISessionStore Inner { get; } = inner;

    /// <summary>Operation name ("load", "create", "save", "touch", "delete") that throws.</summary>
    public string? FailOn { get; set; }

    /// <summary>Operation name that never completes (ignores its token).</summary>
    public string? HangOn { get; set; }

    /// <summary>Operation name that blocks its calling thread (as a synchronous provider does) until <see cref="Unblock"/>.</summary>
    public string? BlockOn { get; set; }

    public ManualResetEventSlim Unblock { get; } = new();

    /// <summary>Runs as each call starts, with the operation name (e.g. to look at the response at that moment).</summary>
    public Action<string>? OnCall { get; set; }

    /// <summary>Whether the wrapper declares <see cref="SessionStoreCapabilities.NeverBlocksCaller"/> (off by default: <see cref="BlockOn"/> blocks).</summary>
    public bool ClaimsNeverBlocksCaller { get; set; }

    public SessionStoreCapabilities Capabilities => ClaimsNeverBlocksCaller
        ? Inner.Capabilities | SessionStoreCapabilities.NeverBlocksCaller
        : Inner.Capabilities & ~SessionStoreCapabilities.NeverBlocksCaller;

    public int Calls(string operation) => _calls.GetValueOrDefault(operation);

    public int TotalCalls => _calls.Values.Sum();

    public void Reset() => _calls.Clear();

    /// <summary>When set, a load waits until its token is cancelled, then completes <see cref="LoadCancelled"/>.</summary>
    public bool LoadWaitsForCancellation { get; set; }

    /// <summary>Completed when a waiting load saw its token cancelled.</summary>
    public TaskCompletionSource LoadCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
        => LoadWaitsForCancellation ? WaitForCancellationAsync(cancellationToken) : Run("load", () => Inner.LoadAsync(key, request, cancellationToken));

    private async ValueTask<SessionLoadResult> WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            LoadCancelled.TrySetResult();
        }

        throw new InvalidOperationException("unreachable");
    }

    // Loads of some keys are used only when the wrapped store has them (its KeyReads capability is forwarded).
    /// <summary>The keys the last load of some keys asked for.</summary>
    public IReadOnlyCollection<string>? LastKeysLoaded { get; private set; }

    public ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        LastKeysLoaded = [.. names];
        return Run("load-keys", () => ((ISessionKeyReader)Inner).LoadKeysAsync(key, names, request, cancellationToken));
    }

    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
        => Run("create", () => Inner.CreateAsync(key, record, cancellationToken));

    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        => Run("save", () => Inner.SaveAsync(key, changes, cancellationToken));

    // Blind writes are used only when the wrapped store has them (its BlindWrites capability is forwarded).
    /// <summary>When set, a blind save answers Conflict without calling the inner store (as a Redis Cluster store does while a cycle holds the session).</summary>
    public bool BlindSaveConflicts { get; set; }

    public ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
        => Run("save", () => BlindSaveConflicts
            ? ValueTask.FromResult(new SessionBlindWriteResult(SessionWriteOutcome.Conflict, null))
            : ((ISessionBlindWriter)Inner).SaveBlindAsync(key, changes, maxSize, cancellationToken));

    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        => Run("cycle", () => Inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken));

    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        => Run("end", () => Inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken));

    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
        => Run("touch", () => Inner.TouchAsync(key, now, threshold, cancellationToken));

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
        => Run("delete", () => Inner.DeleteAsync(key, cancellationToken));

    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
        => Run("cleanup", () => Inner.DeleteExpiredAsync(now, progress, cancellationToken));

    public ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
        => Inner is ISessionUserIndex index
            ? Run("revoke", () => index.RevokeUserAsync(userKey, cancellationToken))
            : throw new NotSupportedException("The wrapped store has no user index.");

    public ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Inner is ISessionUserListing listing
            ? Run("list", () => listing.ListUserSessionKeysAsync(userKey, now, cancellationToken))
            : throw new NotSupportedException("The wrapped store cannot list a user's sessions.");

    private ValueTask<T> Run<T>(string operation, Func<ValueTask<T>> call)
    {
        if (BlockOn == operation)
        {
            // Blocks before any task exists, like Microsoft.Data.Sqlite waiting on another process's lock.
            Unblock.Wait();
        }

        return RunAsync(operation, call);
    }

    private async ValueTask<T> RunAsync<T>(string operation, Func<ValueTask<T>> call)
    {
        _calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        OnCall?.Invoke(operation);
        if (FailOn == operation)
        {
            throw new SessionStoreException($"Injected {operation} failure.");
        }

        if (HangOn == operation)
        {
            await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
        }

        return await call().ConfigureAwait(false);
    }
}
