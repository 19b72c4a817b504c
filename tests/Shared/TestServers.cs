using System.Net;
using System.Net.Sockets;

namespace TypedSessions.TestSupport;

/// <summary>
/// The PostgreSQL and Redis servers tests/servers.sh starts (tests/run-all.sh, the store benchmarks), and
/// free loopback ports. A missing variable fails the test, never skips it. Linked as source into every
/// test project that needs a server (tests/Shared).
/// </summary>
internal static class TestServers
{
    public const string PostgresVariable = "TYPEDSESSIONS_TEST_POSTGRES";

    public const string RedisVariable = "TYPEDSESSIONS_TEST_REDIS";

    public const string RedisClusterVariable = "TYPEDSESSIONS_TEST_REDIS_CLUSTER";

    /// <summary>The Npgsql connection string from <see cref="PostgresVariable"/>.</summary>
    public static string Postgres => Required(PostgresVariable, "an Npgsql connection string");

    /// <summary>host:port from <see cref="RedisVariable"/>.</summary>
    public static string Redis => Required(RedisVariable, "host:port");

    /// <summary>The nodes of the 6-node Redis Cluster (3 primaries, 3 replicas) from <see cref="RedisClusterVariable"/>, as host:port,host:port,...</summary>
    public static string RedisCluster => Required(RedisClusterVariable, "host:port,host:port,... of a Redis Cluster's nodes");

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Required(string variable, string what)
        => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. These tests need a real server: run `bash tests/run-all.sh`, which starts private " +
                $"servers on loopback and sets it (or run under `source tests/servers.sh; start_servers`), or set it to {what}.");
}
