using System.Diagnostics;
using System.Security.Cryptography;
using TypedSessions.Storage;

namespace TypedSessions.Cli.Tests;

/// <summary>The outcome of one run of the tool.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the tool: in process through its entry point, or as a process from its built dll.</summary>
internal static class Cli
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(terminal: false, args);

    public static async Task<CliRun> RunAsync(bool terminal, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, new StringReader(string.Empty), terminal, InputIsInteractive: false);
        var code = await TypedSessionsCli.RunAsync(args, console, CancellationToken.None);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet TypedSessions.Cli.dll args</c> (the tool as it is installed) and waits for it.</summary>
    public static async Task<CliRun> RunProcessAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "TypedSessions.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliRun(process.ExitCode, await output, await error);
    }
}

/// <summary>Sessions to seed: live ones, expired ones, bound ones, with payloads of known sizes.</summary>
internal static class Seed
{
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    public static string NewKey() => Convert.ToHexStringLower(SHA256.HashData(RandomNumberGenerator.GetBytes(32)));

    /// <summary>A session created at <paramref name="createdAt"/> with a 20-minute idle window and one value of <paramref name="payload"/> bytes.</summary>
    public static SessionRecord Record(DateTimeOffset createdAt, int payload, string? user = null)
        => new(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["cart"] = new byte[payload] },
            createdAt,
            SessionLifetime.Compute(SessionExpiryMode.Default, createdAt, createdAt, Idle, TimeSpan.FromHours(8)),
            1,
            user);

    /// <summary>Live now (created a minute ago).</summary>
    public static SessionRecord Live(int payload = 100, string? user = null) => Record(DateTimeOffset.UtcNow.AddMinutes(-1), payload, user);

    /// <summary>Expired now (created an hour ago, idle 20 minutes), still stored.</summary>
    public static SessionRecord Expired(int payload = 100, string? user = null) => Record(DateTimeOffset.UtcNow.AddHours(-1), payload, user);

    public static async Task<List<string>> CreateAsync(ISessionStore store, int count, Func<int, SessionRecord> record)
    {
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var key = NewKey();
            Assert.True(await store.CreateAsync(key, record(i)));
            keys.Add(key);
        }

        return keys;
    }

    public static async Task<bool> ExistsAsync(ISessionStore store, string key)
        => (await store.LoadAsync(key, new SessionLoadRequest(DateTimeOffset.UtcNow, null))).Record is not null;
}
