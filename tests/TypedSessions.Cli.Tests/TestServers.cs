using System.Net;
using System.Net.Sockets;

namespace TypedSessions.Cli.Tests;

/// <summary>The PostgreSQL and Redis servers tests/servers.sh starts; a missing variable fails the test, never skips it.</summary>
internal static class TestServers
{
    public static string Postgres => Required("TYPEDSESSIONS_TEST_POSTGRES", "an Npgsql connection string");

    public static string Redis => Required("TYPEDSESSIONS_TEST_REDIS", "host:port");

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int UnusedPort()
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
                $"{variable} is not set. These tests need a real server: run them under `source tests/servers.sh; start_servers` " +
                $"(tests/run-all.sh does), or set it to {what}.");
}
