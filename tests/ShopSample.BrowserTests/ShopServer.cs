using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using TypedSessions.TestSupport;

namespace ShopSample.BrowserTests;

/// <summary>
/// The real sample app as a separate process: <c>dotnet ShopSample.dll</c> (the build output, not <c>dotnet run</c>,
/// which would start a child process) on a free loopback port, with its SQLite file in a temp folder.
/// Stopped by its pid.
/// </summary>
public sealed class ShopServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ShopServer(Process process, string folder, Uri baseAddress)
    {
        _process = process;
        Folder = folder;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the browser reaches the app: <c>http://localhost:{port}/</c> (browsers keep Secure cookies from localhost).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The temp folder holding the app's SQLite file.</summary>
    public string Folder { get; }

    /// <summary>What the app wrote to stdout and stderr so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static async Task<ShopServer> StartAsync()
    {
        var dll = Metadata("ShopSampleDll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build samples/ShopSample first (the test project's build does).", dll);
        }

        var folder = Path.Combine(Path.GetTempPath(), "shopsample-browser", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = TestServers.FreePort();
        var contentRoot = Path.Combine(RepositoryRoot, "samples", "ShopSample");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            dll,
            "--urls", $"http://127.0.0.1:{port}",
            "--contentRoot", contentRoot,
            "--environment", "Production",
            "--TypedSessions:ConnectionString", $"Data Source={Path.Combine(folder, "sessions.db")}",
            // The tests log in more often than the default login rate limit (10 a minute per address) allows.
            "--Shop:LoginRateLimit:PermitLimit", "1000",
            // A third demo user for the "Your sessions" test alone: the other tests' logins of alice and bob stay alive in
            // this shared server and would be listed as devices too.
            "--Shop:Users:2:Username", "carol",
            "--Shop:Users:2:Password", "sessions",
            "--Shop:Users:2:UserId", "3",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ShopServer(process, folder, new Uri($"http://localhost:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(port);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    // Polls GET /health until the app answers; gives up when the process exits or after a generous bound.
    private async Task WaitUntilReadyAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri($"http://127.0.0.1:{port}/health");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"ShopSample exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(health);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy machine: try again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ShopSample did not answer /health on port {port}:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    private static string Metadata(string key)
        => typeof(ShopServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"No {key} metadata.");
}
