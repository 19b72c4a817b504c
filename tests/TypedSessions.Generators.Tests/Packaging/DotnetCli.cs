using System.Diagnostics;
using System.Text;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> CLI in a folder, as a developer would, and returns its output.</summary>
internal static class DotnetCli
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(8);

    public static Task<string> RunAsync(string folder, params string[] arguments) => RunAsync(folder, expectSuccess: true, arguments);

    public static Task<string> RunAsync(string folder, bool expectSuccess, params string[] arguments) =>
        RunAsync(folder, expectSuccess, environment: null, arguments);

    /// <summary>Runs <c>dotnet</c> with <paramref name="environment"/> added to this process's environment variables.</summary>
    public static async Task<string> RunAsync(string folder, bool expectSuccess, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = StartInfo(folder, arguments);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'dotnet {string.Join(' ', arguments)}' did not finish within {CommandTimeout}:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        var text = output.ToString();
        if (expectSuccess)
        {
            Assert.True(process.ExitCode == 0, $"'dotnet {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{text}");
        }
        else
        {
            Assert.True(process.ExitCode != 0, $"'dotnet {string.Join(' ', arguments)}' was expected to fail:\n{text}");
        }

        return text;
    }

    /// <summary>A <c>dotnet</c> process start in <paramref name="folder"/>, without telemetry, logo or build-node reuse.</summary>
    public static ProcessStartInfo StartInfo(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return start;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
