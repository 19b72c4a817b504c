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

    /// <summary>
    /// Replicas that must hold each write before the store reports it done (Redis <c>WAIT</c> after the write, on the
    /// primary that took it). Default 0: a write is done when its primary has it, and replication is asynchronous, so a
    /// primary that fails right after answering can lose writes a client was told were stored when its replica takes
    /// over (measured in docs/reliability.md). With 1 or more, a write whose replicas do not confirm it within
    /// <see cref="ReplicaWaitTimeout"/> fails (<c>SessionStoreException</c>: the request answers 503, and the write may
    /// still be on the primary). Costs one more round trip per write, and the replication delay.
    /// </summary>
    public int WaitForReplicas { get; set; }

    /// <summary>How long a write waits for <see cref="WaitForReplicas"/> replicas to confirm it. Default 500 ms.</summary>
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Decoder caps for stored sessions (number of keys, key length, user key length).</summary>
    public SessionEnvelopeLimits Limits { get; set; } = new();
}
