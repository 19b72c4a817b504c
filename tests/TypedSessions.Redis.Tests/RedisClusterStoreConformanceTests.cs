using TypedSessions.Storage;
using TypedSessions.Testing;

namespace TypedSessions.Redis.Tests;

/// <summary>
/// The store conformance kit on the 6-node Redis Cluster tests/servers.sh starts (3 primaries, 3 replicas,
/// <c>TYPEDSESSIONS_TEST_REDIS_CLUSTER</c>): the sessions, their new keys after a cycle and the user indexes land in
/// different hash slots, so every multi-key path (cycle, revoke, listing, cleanup, statistics) runs across primaries.
/// </summary>
public sealed class RedisClusterStoreConformanceTests : BackendSessionStoreConformanceTests
{
    private readonly string _prefix = TestRedis.NewPrefix();

    protected override async Task<ISessionStore> CreateStoreAsync() => await TestRedis.CreateClusterStoreAsync(_prefix, batchSize: 10);

    protected override async Task DisposeStoreAsync(ISessionStore store)
    {
        await base.DisposeStoreAsync(store);
        await TestRedis.DeleteClusterPrefixAsync(_prefix);
    }

    // The expiry metadata field no longer holds a number.
    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var redisKey = ((RedisSessionStore)store).RedisKeyFor(key);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(redisKey));
        await connection.GetDatabase().HashSetAsync(redisKey, "@e", "garbage");
    }

    // Unreachable is unreachable: the same loopback port nothing listens on as for the single server.
    protected override Task<ISessionStore> CreateUnavailableStoreAsync() => Task.FromResult<ISessionStore>(TestRedis.CreateUnavailableStore(_prefix));
}
