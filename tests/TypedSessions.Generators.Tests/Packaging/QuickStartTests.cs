using System.Diagnostics;
using System.Text.RegularExpressions;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// The README's quick start, as a newcomer runs it: its shell commands (<c>dotnet new web</c>, <c>dotnet add package</c>)
/// and its <c>Program.cs</c>, both read from README.md, against the packages packed from this repository; then the app
/// runs in Development and answers over HTTP as the README says.
/// </summary>
[Trait("Category", "Packaging")]
[Collection(PackagingTests.Name)]
public sealed partial class QuickStartTests(PackedFeed packed)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_readme_quick_start_builds_without_warnings_and_runs_as_described()
    {
        var (commands, program) = ReadQuickStart();
        await packed.EnsurePackedAsync();
        var folder = Path.Combine(packed.Work, "quickstart");
        Directory.CreateDirectory(folder);
        await packed.AddFeedToProjectsUnderAsync(folder);

        foreach (var command in commands)
        {
            if (command[0] == "cd")
            {
                folder = Path.Combine(folder, command[1]);
                continue;
            }

            Assert.Equal("dotnet", command[0]);
            // The packages exist only in this run's local feed, under this run's prerelease version.
            var arguments = command[1] is "add" ? [.. command[1..], "--version", packed.Version] : command[1..];
            await DotnetCli.RunAsync(folder, arguments);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "Program.cs"), program);
        var build = await DotnetCli.RunAsync(folder, "build", "-nodeReuse:false");
        Assert.True(build.Contains(" 0 Warning(s)", StringComparison.Ordinal), "The quick start builds with warnings:\n" + build);

        var dll = Path.Combine(folder, "bin", "Debug", "net10.0", Path.GetFileName(folder) + ".dll");
        var start = DotnetCli.StartInfo(folder, dll, "--urls", "http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(start)!;
        try
        {
            var address = await ListeningAddressAsync(process);
            using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };

            Assert.Equal("Please log in.", await SendAsync(client, HttpMethod.Get, "/", cookie: null));

            using var login = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/login?username=alice"));
            Assert.Equal(System.Net.HttpStatusCode.NoContent, login.StatusCode);
            var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
            Assert.StartsWith("__Host-session=", cookie, StringComparison.Ordinal);

            Assert.Equal("Welcome, alice!", await SendAsync(client, HttpMethod.Get, "/", cookie));
            Assert.True(File.Exists(Path.Combine(folder, "App_Data", "sessions.db")), "The SQLite store's file was not created.");

            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal("ok", await health.Content.ReadAsStringAsync());
            Assert.False(health.Headers.Contains("Set-Cookie"));

            await SendAsync(client, HttpMethod.Post, "/logout", cookie);
            Assert.Equal("Please log in.", await SendAsync(client, HttpMethod.Get, "/", cookie));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    // The "## Quick start" section's first bash block (commands split at &&, comments dropped) and first C# block.
    private static (List<string[]> Commands, string Program) ReadQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var start = readme.IndexOf("\n## Quick start", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Quick start' section.");
        var section = readme[start..];
        section = section[..(section.IndexOf("\n## ", 2, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];

        var bash = CodeBlock().Matches(section).First(m => m.Groups["lang"].Value == "bash").Groups["code"].Value;
        var commands = bash.Split('\n')
            .Select(line => line.Split('#')[0])
            .SelectMany(line => line.Split("&&"))
            .Select(command => command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(words => words.Length > 0)
            .ToList();
        var program = CodeBlock().Matches(section).First(m => m.Groups["lang"].Value == "csharp").Groups["code"].Value;
        Assert.Contains(commands, c => c is ["dotnet", "new", "web", ..]);
        Assert.Contains(commands, c => c is ["dotnet", "add", "package", ..]);
        return (commands, program);
    }

    private static async Task<string> ListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var seen = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (Listening().Match(line) is { Success: true } match)
            {
                // Keep draining the app's output so it never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return match.Groups["address"].Value;
            }
        }

        throw new InvalidOperationException("The quick-start app exited before listening:\n" + seen + await process.StandardError.ReadToEndAsync());
    }

    private static async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, string? cookie)
    {
        using var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex(@"```(?<lang>\w+)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex Listening();
}
