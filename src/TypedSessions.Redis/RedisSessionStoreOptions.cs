using TypedSessions.Storage;

namespace TypedSessions.Redis;

/// <summary>Settings of <see cref="RedisSessionStore"/>.</summary>
public sealed class RedisSessionStoreOptions
{
    /// <summary>
    /// The configuration section the store's <c>Add…Store()</c> call binds (<c>TypedSessions:Redis</c>); settings
    /// set in code (the <c>configure</c> delegate) override it.
    /// </summary>
    public const string SectionName = "TypedSessions:Redis";

    /// <summary>
    /// The StackExchange.Redis configuration string (e.g. <c>localhost:6379,abortConnect=false</c>), used
    /// only when no <c>IConnectionMultiplexer</c> is registered in the service container. Default
    /// <c>TypedSessions:ConnectionString</c>. When it does not say otherwise, <c>abortConnect=false</c> is
    /// assumed, so the connection reconnects by itself after an outage; bound waits with
    /// <c>connectTimeout</c> and <c>asyncTimeout</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every session key (<c>{prefix}{sha256-hex}</c>). Default <c>typedsessions:</c>.</summary>
    public string KeyPrefix { get; set; } = "typedsessions:";

    /// <summary>The database number, or -1 for the connection's default. Redis Cluster has only database 0.</summary>
    public int Database { get; set; } = -1;

    /// <summary>Keys scanned (and conditionally deleted, pipelined) per batch by <see cref="RedisSessionStore.DeleteExpiredAsync"/>. Default 1,000.</summary>
    public int CleanupBatchSize { get; set; } = 1000;

    /// <summary>Decoder caps for stored sessions (number of keys, key length, user key length).</summary>
    public SessionEnvelopeLimits Limits { get; set; } = new();
}
