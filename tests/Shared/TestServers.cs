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

    // Ports this process has handed out (two tests asking at once never get the same one).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>
    /// A loopback port nothing listens on (bound, then released), for a server a test starts on it. Taken from 12000–21999:
    /// below the kernel's ephemeral range (32768–60999 by default), where an outgoing connection made anywhere on the
    /// machine between this check and the server's bind could take a port that was bound to 0 and released; and below
    /// the range tests/servers.sh uses (22000–31999).
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(12000, 22000);
            if (!HandedOut.TryAdd(port, 0))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException("No free loopback port between 12000 and 21999.");
    }

    private static string Required(string variable, string what)
        => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. These tests need a real server: run `bash tests/run-all.sh`, which starts private " +
                $"servers on loopback and sets it (or run under `source tests/servers.sh; start_servers`), or set it to {what}.");
}
