namespace TypedSessions.Storage;

/// <summary>How a bounded store call is started (the coordinator's calls, the health probe).</summary>
internal static class StoreCall
{
    /// <summary>
    /// Starts <paramref name="call"/> on the thread pool, so that a store that blocks its caller before returning a task
    /// (Microsoft.Data.Sqlite waiting on a lock) is still bounded by the caller's timeout; stores that declare
    /// <see cref="SessionStoreCapabilities.NeverBlocksCaller"/> skip that hop.
    /// </summary>
    public static Task<T> Start<T>(ISessionStore store, Func<Task<T>> call)
        => RunsInline(store) ? call() : Task.Run(call, CancellationToken.None);

    /// <inheritdoc cref="Start{T}(ISessionStore, Func{Task{T}})"/>
    public static Task Start(ISessionStore store, Func<Task> call)
        => RunsInline(store) ? call() : Task.Run(call, CancellationToken.None);

    private static bool RunsInline(ISessionStore store) => (store.Capabilities & SessionStoreCapabilities.NeverBlocksCaller) != 0;
}
