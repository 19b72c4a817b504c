using System.Diagnostics;
using StackExchange.Redis;

namespace TypedSessions.Redis.Tests;

/// <summary>A throwaway redis-server on a loopback port, for tests that stop the server.</summary>
internal sealed class PrivateRedis : IAsyncDisposable
{
    private readonly string _folder;
    private bool _running;

    private PrivateRedis(int port, string folder)
    {
        Port = port;
        _folder = folder;
    }

    public int Port { get; }

    public static async Task<PrivateRedis> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ts-redis-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var redis = new PrivateRedis(TestRedis.UnusedPort(), folder);
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no",
                "--daemonize", "yes", "--pidfile", Path.Combine(_folder, "redis.pid"), "--logfile", Path.Combine(_folder, "redis.log"), "--dir", _folder,
            },
            UseShellExecute = false,
        };
        using (var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (is it installed? tests/run-all.sh installs it)."))
        {
            await process.WaitForExitAsync();
        }

        for (var i = 0; i < 100; i++)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                if (probe.IsConnected)
                {
                    _running = true;
                    return;
                }
            }
            catch (RedisConnectionException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not come up.");
    }

    public async Task StopAsync()
    {
        if (!_running)
        {
            return;
        }

        // Our own instance, stopped by its own command (never by process name).
        var info = new ProcessStartInfo("redis-cli") { ArgumentList = { "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "shutdown", "nosave" }, UseShellExecute = false, RedirectStandardOutput = true };
        using (var process = Process.Start(info)!)
        {
            await process.WaitForExitAsync();
        }

        _running = false;
        for (var i = 0; i < 100 && File.Exists(Path.Combine(_folder, "redis.pid")); i++)
        {
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
