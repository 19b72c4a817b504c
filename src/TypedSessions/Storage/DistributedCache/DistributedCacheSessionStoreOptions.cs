namespace TypedSessions.Storage.DistributedCache;

/// <summary>Settings of <see cref="DistributedCacheSessionStore"/>.</summary>
public sealed class DistributedCacheSessionStoreOptions
{
    /// <summary>
    /// The configuration section the store's <c>Add…Store()</c> call binds (<c>TypedSessions:DistributedCache</c>); settings
    /// set in code (the <c>configure</c> delegate) override it.
    /// </summary>
    public const string SectionName = "TypedSessions:DistributedCache";

    /// <summary>Prepended to every cache key (default <c>typedsessions:</c>), so sessions do not collide with the app's other cache entries.</summary>
    public string KeyPrefix { get; set; } = "typedsessions:";

    /// <summary>Decoder caps for cached envelopes.</summary>
    public SessionEnvelopeLimits Limits { get; set; } = new();
}
