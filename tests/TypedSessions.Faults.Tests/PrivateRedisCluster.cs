using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using TypedSessions.TestSupport;

namespace TypedSessions.Faults.Tests;

/// <summary>
/// This test's own 6-node Redis Cluster (3 primaries, 3 replicas; no persistence, replication asynchronous as Redis
/// does it) on free loopback ports in a temp folder, stopped by pid. <c>cluster-node-timeout</c> is 2 s: a killed primary
/// is marked failed and its replica promoted about that long after.
/// </summary>
internal sealed class PrivateRedisCluster : IAsyncDisposable
{
    private const int NodeTimeoutMs = 2000;

    private readonly string _folder;
    private readonly List<int> _ports;

    private PrivateRedisCluster(string folder, List<int> ports)
    {
        _folder = folder;
        _ports = ports;
    }

    public string ConnectionString => string.Join(",", _ports.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The port of the primary the last <see cref="KillPrimaryOfMostAsync"/> killed.</summary>
    public int? Killed { get; private set; }

    public static async Task<PrivateRedisCluster> StartAsync()
    {
        var folder = Processes.TempFolder("ts-redis-cluster-");
        var ports = new List<int>();
        while (ports.Count < 6)
        {
            // The cluster bus listens on port + 10000, which must be free too, and no node's port may be another node's
            // bus port (nodes bind only when started, so a free-port probe cannot see the overlap).
            var port = TestServers.FreePort();
            if (port < 55000 && IsFree(port + 10000)
                && !ports.Any(p => p == port || p + 10000 == port || p == port + 10000))
            {
                ports.Add(port);
            }
        }

        var cluster = new PrivateRedisCluster(folder, ports);
        try
        {
            await cluster.FormAsync();
            return cluster;
        }
        catch
        {
            // Stop whatever nodes did start (by pid) and remove the folder: a failed start leaves no process behind.
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task FormAsync()
    {
        var ports = _ports;
        foreach (var port in ports)
        {
            Directory.CreateDirectory(NodeFolder(port));
            await StartNodeAsync(port);
        }

        foreach (var port in ports)
        {
            await WaitUntilAsync(() => AnswersAsync(port), $"node {port} did not start");
        }

        await Processes.RunAsync("redis-cli", ["--cluster", "create", .. ports.Select(p => "127.0.0.1:" + Text(p)), "--cluster-replicas", "1", "--cluster-yes"]);
        await WaitUntilAsync(() => HealthyAsync(ports[0]), "the cluster did not become ready");

        // A replica can take over only once it replicates: wait for three replicas whose link to their primary is up.
        await WaitUntilAsync(
            async () =>
            {
                var replicating = 0;
                foreach (var port in ports)
                {
                    replicating += (await Cli(port, "info", "replication")).Contains("master_link_status:up", StringComparison.Ordinal) ? 1 : 0;
                }

                return replicating == 3;
            },
            "the replicas did not start replicating");
    }

    /// <summary>
    /// SIGKILLs the primary that holds the most of the given sessions (cookie values; their store keys under the default
    /// prefix), so the fault hits the clients' sessions and spares the others.
    /// </summary>
    public async Task KillPrimaryOfMostAsync(IReadOnlyList<string> cookieValues)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var target = cookieValues
            .Select(c => connection.GetServer((RedisKey)("typedsessions:" + StoreKey(c))).EndPoint)
            .GroupBy(e => e.ToString())
            .OrderByDescending(g => g.Count())
            .First().Key!;
        var port = int.Parse(target[(target.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        var pid = int.Parse((await File.ReadAllTextAsync(Path.Combine(NodeFolder(port), "redis.pid"))).Trim(), CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        await process.WaitForExitAsync();
        File.Delete(Path.Combine(NodeFolder(port), "redis.pid"));
        Killed = port;
    }

    /// <summary>Waits until the killed primary's replica has taken over: three primaries serve every slot again.</summary>
    public Task WaitFailedOverAsync()
        => WaitUntilAsync(() => HealthyAsync(_ports.First(p => p != Killed)), "no replica took over from the killed primary");

    /// <summary>Starts the killed node again; it rejoins as a replica of the primary that took over, and this waits until it is one.</summary>
    public async Task RestartKilledAsReplicaAsync()
    {
        var port = Killed ?? throw new InvalidOperationException("No node was killed.");
        await StartNodeAsync(port);
        await WaitUntilAsync(
            async () => await AnswersAsync(port)
                && (await Cli(port, "cluster", "nodes")).Split('\n').Any(line => line.Contains("myself,slave", StringComparison.Ordinal))
                && (await Cli(port, "info", "replication")).Contains("master_link_status:up", StringComparison.Ordinal),
            "the killed node did not rejoin as a replica");
        Killed = null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var port in _ports)
        {
            var pidFile = Path.Combine(NodeFolder(port), "redis.pid");
            if (File.Exists(pidFile))
            {
                try
                {
                    using var process = Process.GetProcessById(int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture));
                    process.Kill();
                    await process.WaitForExitAsync();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }

        Directory.Delete(_folder, recursive: true);
    }

    // The store key of a session id: the SHA-256 of its 32 bytes, lowercase hex (TypedSessions' SessionId).
    private static string StoreKey(string cookieValue) => Convert.ToHexStringLower(SHA256.HashData(Base64Url.DecodeFromChars(cookieValue)));

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            return (await Cli(port, "ping")).Contains("PONG", StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // cluster_state:ok and three primaries that are not failed, each serving slots.
    private static async Task<bool> HealthyAsync(int port)
    {
        try
        {
            if (!(await Cli(port, "cluster", "info")).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return false;
            }

            var primaries = (await Cli(port, "cluster", "nodes")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .Count(f => f.Length > 8 && f[2].Contains("master", StringComparison.Ordinal) && !f[2].Contains("fail", StringComparison.Ordinal) && f[7] == "connected");
            return primaries == 3;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        for (var i = 0; i < 800; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException(failure + " within 20 s (" + _folder + ").");
    }

    private Task<string> StartNodeAsync(int port)
    {
        var dir = NodeFolder(port);
        return Processes.RunAsync(
            "redis-server",
            "--bind", "127.0.0.1", "--port", Text(port), "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(dir, "nodes.conf"),
            "--cluster-node-timeout", Text(NodeTimeoutMs), "--save", string.Empty, "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", Path.Combine(dir, "redis.pid"), "--logfile", Path.Combine(dir, "redis.log"), "--dir", dir);
    }

    private string NodeFolder(int port) => Path.Combine(_folder, Text(port));

    private static Task<string> Cli(int port, params string[] arguments) => Processes.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Text(port), .. arguments]);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
