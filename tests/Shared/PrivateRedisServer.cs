using System.Diagnostics;
using System.Globalization;

namespace TypedSessions.TestSupport;

/// <summary>
/// A test's own redis-server on a free loopback port, in a temp folder, for tests that stop, kill or
/// pause the server (the shared one of tests/servers.sh must stay up). Durable: AOF with
/// <c>appendfsync always</c> — Redis without persistence loses every session on restart by design, so
/// "no committed session lost across a restart" needs a write acknowledged only once it is on disk.
/// Otherwise no persistence at all: a restarted server is empty.
/// </summary>
internal sealed class PrivateRedisServer : IAsyncDisposable
{
    private readonly string _folder;
    private readonly bool _durable;

    private PrivateRedisServer(string folder, int port, bool durable)
    {
        _folder = folder;
        Port = port;
        _durable = durable;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    private string PidFile => Path.Combine(_folder, "redis.pid");

    private string PortText => Port.ToString(CultureInfo.InvariantCulture);

    public static async Task<PrivateRedisServer> StartAsync(bool durable)
    {
        var server = new PrivateRedisServer(Processes.TempFolder("ts-redis-"), TestServers.FreePort(), durable);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port and folder; a durable one reloads its AOF.</summary>
    public async Task StartAgainAsync()
    {
        string[] persistence = _durable ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
        await Processes.RunAsync(
            "redis-server",
            ["--bind", "127.0.0.1", "--port", PortText, "--save", string.Empty, .. persistence,
            "--daemonize", "yes", "--pidfile", PidFile, "--logfile", Path.Combine(_folder, "redis.log"), "--dir", _folder]);
        for (var i = 0; i < 200; i++)
        {
            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not come up: {await File.ReadAllTextAsync(Path.Combine(_folder, "redis.log"))}");
    }

    /// <summary>Kills the server by its pid (SIGKILL: no shutdown save, only what the AOF already holds survives).</summary>
    public async Task KillAsync()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(PidFile)).Trim(), CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        await process.WaitForExitAsync();
        File.Delete(PidFile);
    }

    /// <summary>Blocks every client (reads and writes) for <paramref name="duration"/>: a store slower than the timeout.</summary>
    public Task PauseAllAsync(TimeSpan duration)
        => Processes.RunAsync("redis-cli", "-h", "127.0.0.1", "-p", PortText, "CLIENT", "PAUSE", ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "ALL");

    /// <summary>Waits until the server answers (a PING waits out a pause).</summary>
    public async Task WaitAnsweringAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"redis-server on port {Port} does not answer.");
    }

    /// <summary>Stops the server by its own command (SHUTDOWN NOSAVE, never by process name) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (File.Exists(PidFile))
        {
            try
            {
                await Processes.RunAsync("redis-cli", "-h", "127.0.0.1", "-p", PortText, "shutdown", "nosave");
            }
            catch (InvalidOperationException)
            {
                // Already gone: nothing to stop.
            }
        }

        for (var i = 0; i < 100 && File.Exists(PidFile); i++)
        {
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return (await Processes.RunAsync("redis-cli", "-h", "127.0.0.1", "-p", PortText, "ping")).Contains("PONG", StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
