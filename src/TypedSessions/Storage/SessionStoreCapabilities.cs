namespace TypedSessions.Storage;

/// <summary>What a store guarantees beyond the <see cref="ISessionStore"/> contract.</summary>
[Flags]
public enum SessionStoreCapabilities
{
    /// <summary>Nothing beyond the contract.</summary>
    None = 0,

    /// <summary>Saves merge per key atomically; without it the whole session is last-writer-wins.</summary>
    AtomicMerge = 1,

    /// <summary>The backend expires records itself (e.g. Redis TTL); no cleanup service is needed.</summary>
    NativeExpiry = 2,

    /// <summary>Sessions can be found by user key ("log out everywhere").</summary>
    UserIndex = 4,

    /// <summary>
    /// The store's methods never block their caller: they return a task promptly (asynchronous I/O or brief
    /// in-memory work), so the pipeline calls them on the request's own thread. Without this flag every store
    /// call starts on the thread pool, so that a store that blocks synchronously (Microsoft.Data.Sqlite waiting
    /// on another process's lock, for one) is still bounded by <c>StoreTimeout</c>.
    /// </summary>
    NeverBlocksCaller = 16,

    /// <summary>
    /// The store implements <see cref="ISessionBlindWriter"/>: a request that only writes keys saves them with one store
    /// call, without loading the session first. A decorator implements the interface and forwards this flag from the
    /// store it wraps.
    /// </summary>
    BlindWrites = 32,

    /// <summary>
    /// The store implements <see cref="ISessionKeyReader"/>: a request can load some keys of a session instead of all
    /// of them. Used only together with <see cref="BlindWrites"/>. A decorator implements the interface and forwards
    /// this flag from the store it wraps.
    /// </summary>
    KeyReads = 64,
}
