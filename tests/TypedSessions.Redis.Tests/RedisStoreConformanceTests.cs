using TypedSessions.Storage;
using TypedSessions.Testing;

namespace TypedSessions.Redis.Tests;

/// <summary>The store conformance kit on one Redis server and on the Redis Cluster of tests/servers.sh.</summary>
public abstract class RedisStoreConformanceTests : BackendSessionStoreConformanceTests
{
    private readonly string _prefix = TestRedis.NewPrefix();

    private protected abstract bool OnRedisCluster { get; }

    protected override async Task<ISessionStore> CreateStoreAsync()
        => OnRedisCluster ? await TestRedis.CreateClusterStoreAsync(_prefix, batchSize: 10) : await TestRedis.CreateStoreAsync(_prefix, batchSize: 10);

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);
        await (OnRedisCluster ? TestRedis.DeleteClusterPrefixAsync(_prefix) : TestRedis.DeletePrefixAsync(_prefix));
    }

    // The expiry metadata field no longer holds a number.
    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        var connection = OnRedisCluster ? await TestRedis.ClusterConnectionAsync() : await TestRedis.ConnectionAsync();
        var redisKey = ((RedisSessionStore)store).RedisKeyFor(key);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(redisKey));
        await connection.GetDatabase().HashSetAsync(redisKey, "@e", "garbage");
    }

    // Unreachable is unreachable: a loopback port nothing listens on, for the single server and the cluster alike.
    protected override Task<ISessionStore> CreateUnavailableStoreAsync() => Task.FromResult<ISessionStore>(TestRedis.CreateUnavailableStore(_prefix));

    /// <summary>One Redis server.</summary>
    public sealed class OnSingleServer : RedisStoreConformanceTests
    {
        private protected override bool OnRedisCluster => false;
    }

    /// <summary>
    /// The 6-node Redis Cluster tests/servers.sh starts (3 primaries, 3 replicas, <c>TYPEDSESSIONS_TEST_REDIS_CLUSTER</c>):
    /// the sessions, their new keys after a cycle and the user indexes land in different hash slots, so every multi-key
    /// path (cycle, revoke, listing, cleanup, statistics) runs across primaries.
    /// </summary>
    public sealed class OnCluster : RedisStoreConformanceTests
    {
        private protected override bool OnRedisCluster => true;
    }
}
