using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary>One shared connection to the Redis server the tests run against (<see cref="TestServers.Redis"/>), and isolated key prefixes.</summary>
internal static class TestRedis
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> Shared = new(() => ConnectionMultiplexer.ConnectAsync(TestServers.Redis));

    public static Task<ConnectionMultiplexer> ConnectionAsync() => Shared.Value;

    public static string NewPrefix() => "ts-test:" + Guid.NewGuid().ToString("N")[..12] + ":";

    public static async Task<RedisSessionStore> CreateStoreAsync(string prefix, int batchSize = 1000)
        => new(Options.Create(new RedisSessionStoreOptions { KeyPrefix = prefix, CleanupBatchSize = batchSize }), await ConnectionAsync());

    public static async Task<long> DeletePrefixAsync(string prefix)
    {
        var connection = await ConnectionAsync();
        var server = connection.GetServers().Single();
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            keys.Add(key);
        }

        return keys.Count == 0 ? 0 : await connection.GetDatabase().KeyDeleteAsync([.. keys]);
    }
}
