using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TypedSessions.Redis.Tests;

/// <summary>The Redis server the tests run against, one shared connection, and isolated key prefixes.</summary>
internal static class TestRedis
{
    public const string Variable = "TYPEDSESSIONS_TEST_REDIS";

    private static readonly Lazy<Task<ConnectionMultiplexer>> Shared = new(() => ConnectionMultiplexer.ConnectAsync(Endpoint));

    /// <summary>host:port from <see cref="Variable"/>; a clear failure (never a skip) when it is missing.</summary>
    public static string Endpoint =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. These tests need a real Redis: run `bash tests/run-all.sh`, which starts a private " +
                "server on loopback and sets it (or set it yourself to host:port).");

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

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
