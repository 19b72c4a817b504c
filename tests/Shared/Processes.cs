using System.Diagnostics;

namespace TypedSessions.TestSupport;

/// <summary>Runs the server tools (redis-server, redis-cli, pg_ctl, chattr) and makes temp folders for private servers.</summary>
internal static class Processes
{
    /// <summary>Runs a tool to completion; a non-zero exit is an exception carrying its output.</summary>
    public static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"{file} is not installed. These tests need redis-server and PostgreSQL (tests/servers.sh installs them with apt-get).", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = (await stdout) + (await stderr);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
            }

            return output;
        }
    }

    /// <summary>Runs a PostgreSQL tool as the <c>postgres</c> user when we are root (initdb refuses root).</summary>
    public static Task<string> RunAsPostgresAsync(string file, params string[] arguments)
        => Environment.IsPrivilegedProcess ? RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments]) : RunAsync(file, arguments);

    public static string TempFolder(string prefix)
    {
        var folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
