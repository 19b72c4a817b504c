using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary>
/// One shared connection to the Redis server the tests run against (<see cref="TestServers.Redis"/>), one to the
/// Redis Cluster (<see cref="TestServers.RedisCluster"/>), and isolated key prefixes.
/// </summary>
internal static class TestRedis
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> Shared = new(() => ConnectionMultiplexer.ConnectAsync(TestServers.Redis));

    private static readonly Lazy<Task<ConnectionMultiplexer>> SharedCluster = new(() => ConnectionMultiplexer.ConnectAsync(TestServers.RedisCluster));

    public static Task<ConnectionMultiplexer> ConnectionAsync() => Shared.Value;

    public static Task<ConnectionMultiplexer> ClusterConnectionAsync() => SharedCluster.Value;

    public static string NewPrefix() => "ts-test:" + Guid.NewGuid().ToString("N")[..12] + ":";

    public static async Task<RedisSessionStore> CreateStoreAsync(string prefix, int batchSize = 1000)
        => new(Options.Create(new RedisSessionStoreOptions { KeyPrefix = prefix, CleanupBatchSize = batchSize }), await ConnectionAsync());

    public static async Task<RedisSessionStore> CreateClusterStoreAsync(string prefix, int batchSize = 1000)
        => new(Options.Create(new RedisSessionStoreOptions { KeyPrefix = prefix, CleanupBatchSize = batchSize }), await ClusterConnectionAsync());

    // A loopback port nothing listens on, with short connect and command timeouts.
    public static RedisSessionStore CreateUnavailableStore(string prefix)
        => new(Options.Create(new RedisSessionStoreOptions
        {
            ConnectionString = $"127.0.0.1:{TestServers.FreePort()},connectTimeout=1000,asyncTimeout=1500,syncTimeout=1500,connectRetry=0",
            KeyPrefix = prefix,
        }));

    public static async Task<long> DeletePrefixAsync(string prefix) => await DeletePrefixAsync(await ConnectionAsync(), prefix);

    public static async Task<long> DeleteClusterPrefixAsync(string prefix) => await DeletePrefixAsync(await ClusterConnectionAsync(), prefix);

    // SCAN on every primary; one DEL per key, since a cluster refuses a DEL of keys in different hash slots.
    private static async Task<long> DeletePrefixAsync(ConnectionMultiplexer connection, string prefix)
    {
        var keys = new List<RedisKey>();
        foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
            {
                keys.Add(key);
            }
        }

        var database = connection.GetDatabase();
        var deleted = await Task.WhenAll(keys.Select(k => database.KeyDeleteAsync(k)));
        return deleted.Count(d => d);
    }
}
