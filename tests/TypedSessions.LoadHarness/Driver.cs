using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TypedSessions.LoadHarness;

/// <summary>
/// Drives the server with wrk in interleaved A/B rounds (TypedSessions, built-in, built-in,
/// TypedSessions, …) for five cases (none, untouched, read, write, set1: a one-key blind write) and prints a markdown table: requests/s, p50/p99 latency and
/// backend calls per request (Redis: commands per request from INFO commandstats). With one user (the default) every
/// wrk connection sends the same cookie: one session under 32 concurrent requests, where TypedSessions' conflict
/// detection answers most read-modify-writes 409. With <c>--users N</c> each library gets N sessions and each request
/// carries the next one of them (a wrk Lua script), as N users browsing at once would.
/// </summary>
internal static partial class Driver
{
    private static readonly string[] Cases = ["none", "untouched", "read", "write", "set1"];

    public static async Task<int> RunAsync(string baseUrl, string backend, int rounds, int seconds, int connections, string? redis, int users = 1, int warmupSeconds = 90)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
        var results = new List<Result>();
        using var cookieFiles = new CookieFiles();
        await WarmUpAsync(http, baseUrl, warmupSeconds, connections);
        var jitBefore = await JitCompiledAsync(http);
        foreach (var @case in Cases)
        {
            // Many users: N sessions per library for this case, established once and shared by its rounds.
            var sessions = new Dictionary<string, string>();
            if (users > 1 && @case != "none")
            {
                foreach (var lib in new[] { "ts", "ms" })
                {
                    sessions[lib] = await cookieFiles.WriteAsync(await EstablishManyAsync(http, lib, users));
                }
            }

            for (var round = 0; round < rounds; round++)
            {
                string[] order = round % 2 == 0 ? ["ts", "ms"] : ["ms", "ts"];
                foreach (var lib in order)
                {
                    var cookie = @case == "none" || users > 1 ? null : await EstablishAsync(http, lib);
                    var callsBefore = await BackendCallsAsync(http, lib);
                    var conflictsBefore = lib == "ts" ? await ConflictsAsync(http) : 0;
                    var commandsBefore = redis is null ? 0 : await RedisCommandsAsync(redis);
                    var cookieFile = sessions.GetValueOrDefault(lib);
                    var run = await WrkAsync($"{baseUrl}/{lib}/{@case}", cookie, seconds, connections, cookieFile is null ? null : cookieFiles.Script, cookieFile);
                    var calls = (await BackendCallsAsync(http, lib) - callsBefore) / (double)Math.Max(1, run.Requests);
                    var conflicts = lib == "ts" ? await ConflictsAsync(http) - conflictsBefore : 0;
                    // The server also counts 409s of requests wrk cut off at the end of the run (not in its non-2xx count).
                    run = run with { Errors = Math.Max(0, run.Errors - conflicts), Conflicts = conflicts };
                    var commands = redis is null ? double.NaN : (await RedisCommandsAsync(redis) - commandsBefore) / (double)Math.Max(1, run.Requests);
                    results.Add(new Result(@case, lib, run.RequestsPerSecond, run.P50, run.P99, run.Requests, run.Errors, calls, commands, run.Conflicts));
                    Console.Error.WriteLine($"[{backend}] {@case,-9} {lib} round {round + 1}: {run.RequestsPerSecond:F0} req/s, p50 {run.P50:F2} ms, p99 {run.P99:F2} ms, {calls:F2} backend calls/req, {commands:F2} redis commands/req, {run.Errors} errors, {run.Conflicts} 409 conflicts");
                }
            }
        }

        Console.WriteLine(Table(backend, results, redis is not null, users));
        var jitDuring = await JitCompiledAsync(http) - jitBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warm-up {warmupSeconds} s; methods JIT-compiled during the measured rounds: {jitDuring}."));
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    /// <summary>
    /// Cost against session size: for each size, a session padded to about that many bytes (one value), then wrk on a
    /// one-key blind write (<c>set1</c>), TypedSessions and the built-in interleaved. Bytes to and from the store per
    /// request come from Redis <c>INFO stats</c> (<c>total_net_input_bytes</c>, <c>total_net_output_bytes</c>).
    /// </summary>
    public static async Task<int> RunSizesAsync(string baseUrl, string backend, int rounds, int seconds, int connections, string? redis, int[] sizes, string sizeCase = "set1", int warmupSeconds = 90)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
        var rows = new List<(int Size, string Lib, double Rps, double P99, double Calls, double ToStore, double FromStore, double ServerWritten, long Errors, long Conflicts, long Requests)>();

        // On PostgreSQL and SQLite only TypedSessions is measured (the built-in has no store there).
        string[] libs = backend is "postgres" or "sqlite" ? ["ts"] : ["ts", "ms"];

        // Warm-up, not measured: the first sizes would otherwise pay for JIT and tiered compilation (see WarmUpAsync).
        var warmCookies = new Dictionary<string, string>();
        foreach (var lib in libs)
        {
            warmCookies[lib] = await EstablishAsync(http, lib);
        }

        var warmUntil = Stopwatch.GetTimestamp() + (Math.Max(3, warmupSeconds) * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            foreach (var lib in libs)
            {
                await WrkAsync($"{baseUrl}/{lib}/{sizeCase}", warmCookies[lib], 3, connections);
            }
        }

        foreach (var size in sizes)
        {
            for (var round = 0; round < rounds; round++)
            {
                var order = round % 2 == 0 ? libs : [.. libs.Reverse()];
                foreach (var lib in order)
                {
                    var cookie = await EstablishAsync(http, lib);
                    using (var pad = new HttpRequestMessage(HttpMethod.Get, new Uri($"{lib}/pad?bytes={size}", UriKind.Relative)))
                    {
                        pad.Headers.Add("Cookie", cookie);
                        (await http.SendAsync(pad)).EnsureSuccessStatusCode();
                    }

                    var callsBefore = await BackendCallsAsync(http, lib);
                    var conflictsBefore = lib == "ts" ? await ConflictsAsync(http) : 0;
                    var before = redis is null ? await StoreBytesAsync(http) : await RedisNetBytesAsync(redis);
                    var run = await WrkAsync($"{baseUrl}/{lib}/{sizeCase}", cookie, seconds, connections);
                    var after = redis is null ? await StoreBytesAsync(http) : await RedisNetBytesAsync(redis);
                    var requests = Math.Max(1, run.Requests);
                    var calls = (await BackendCallsAsync(http, lib) - callsBefore) / (double)requests;

                    // wrk counts the 409s of conflict detection as non-2xx: they are counted apart (as in RunAsync).
                    var conflicts = lib == "ts" ? await ConflictsAsync(http) - conflictsBefore : 0;
                    run = run with { Errors = Math.Max(0, run.Errors - conflicts), Conflicts = conflicts };
                    rows.Add((size, lib, run.RequestsPerSecond, run.P99, calls, Delta(before.In, after.In, requests), Delta(before.Out, after.Out, requests), Delta(before.Server, after.Server, requests), run.Errors, run.Conflicts, run.Requests));
                    Console.Error.WriteLine($"[{backend}] {sizeCase} size {size} {lib} round {round + 1}: {run.RequestsPerSecond:F0} req/s, p99 {run.P99:F2} ms, {calls:F2} store calls/req, {rows[^1].ToStore:F0} B to / {rows[^1].FromStore:F0} B from the store per request, {run.Errors} errors, {run.Conflicts} 409 conflicts");
                }
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| backend: {backend}, case {sizeCase} | session size | library | req/s (median; min–max of {rounds}) | p99 ms (median) | store calls / request | bytes to the store / request | bytes from the store / request | PostgreSQL WAL bytes / request | errors | 409 conflicts (share) |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            foreach (var lib in libs)
            {
                var runs = rows.Where(r => r.Size == size && r.Lib == lib).ToList();
                var name = lib == "ts" ? "TypedSessions" : "Microsoft.AspNetCore.Session";
                string Bytes(IEnumerable<double> values) => values.Any(double.IsNaN) ? "–" : Median(values).ToString("F0", CultureInfo.InvariantCulture);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| | {size:N0} B | {name} | {Median(runs.Select(r => r.Rps)):F0} ({runs.Min(r => r.Rps):F0}–{runs.Max(r => r.Rps):F0}) | {Median(runs.Select(r => r.P99)):F2} | {Median(runs.Select(r => r.Calls)):F2} | {Bytes(runs.Select(r => r.ToStore))} | {Bytes(runs.Select(r => r.FromStore))} | {Bytes(runs.Select(r => r.ServerWritten))} | {runs.Sum(r => r.Errors)} | {(lib == "ts" ? string.Create(CultureInfo.InvariantCulture, $"{runs.Sum(r => r.Conflicts)} ({runs.Sum(r => r.Conflicts) / (double)Math.Max(1, runs.Sum(r => r.Requests)):P1})") : "–")} |");
            }
        }

        Console.WriteLine(sb.ToString());
        return rows.Any(r => r.Errors > 0) ? 1 : 0;
    }

    // Bytes per request from two counter readings; NaN when the backend does not measure them (-1) or for memory.
    private static double Delta(long before, long after, long requests) => before < 0 || after < 0 ? double.NaN : (after - before) / (double)requests;

    // The server's own count of bytes to (In: written to the store) and from (Out) the store; -1 when not measured.
    private static async Task<(long In, long Out, long Server)> StoreBytesAsync(HttpClient http)
    {
        var parts = (await http.GetStringAsync(new Uri("store-bytes", UriKind.Relative))).Split(' ');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static async Task<(long In, long Out, long Server)> RedisNetBytesAsync(string redis)
    {
        var (host, port) = (redis.Split(':')[0], redis.Split(':')[1]);
        var output = await RunAsync("redis-cli", $"-h {host} -p {port} INFO stats");
        long Field(string name) => long.Parse(Regex.Match(output, $@"^{name}:(\d+)", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        return (Field("total_net_input_bytes"), Field("total_net_output_bytes"), -1);
    }

    private static string Table(string backend, List<Result> results, bool redis, int users)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| backend: {backend}, {(users > 1 ? $"{users} users (one session each)" : "one user (one session)")} | case | library | req/s (median) | p50 ms | p99 ms | backend calls/req | Redis commands/req (incl. inside Lua) | errors | 409 conflicts (share) | TS/built-in req/s | TS/built-in per round (min–max) |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var @case in Cases)
        {
            var medians = new Dictionary<string, Result>();
            foreach (var lib in new[] { "ts", "ms" })
            {
                var runs = results.Where(r => r.Case == @case && r.Library == lib).ToList();
                medians[lib] = new Result(@case, lib, Median(runs.Select(r => r.RequestsPerSecond)), Median(runs.Select(r => r.P50)), Median(runs.Select(r => r.P99)), runs.Sum(r => r.Requests), runs.Sum(r => r.Errors), Median(runs.Select(r => r.CallsPerRequest)), Median(runs.Select(r => r.CommandsPerRequest)), runs.Sum(r => r.Conflicts));
            }

            var ratio = medians["ts"].RequestsPerSecond / medians["ms"].RequestsPerSecond;

            // Rounds are interleaved pairs (the two libraries back to back), so each round has its own ratio.
            var ts = results.Where(r => r.Case == @case && r.Library == "ts").ToList();
            var ms = results.Where(r => r.Case == @case && r.Library == "ms").ToList();
            var perRound = ts.Zip(ms, (a, b) => a.RequestsPerSecond / Math.Max(1, b.RequestsPerSecond)).ToList();
            var spread = perRound.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{perRound.Min():F2}×–{perRound.Max():F2}×");
            foreach (var lib in new[] { "ts", "ms" })
            {
                var m = medians[lib];
                var name = lib == "ts" ? "TypedSessions" : "Microsoft.AspNetCore.Session";
                sb.AppendLine(CultureInfo.InvariantCulture, $"| | {@case} | {name} | {m.RequestsPerSecond:F0} | {m.P50:F2} | {m.P99:F2} | {m.CallsPerRequest:F2} | {(redis ? m.CommandsPerRequest.ToString("F2", CultureInfo.InvariantCulture) : "–")} | {m.Errors} | {(lib == "ts" ? string.Create(CultureInfo.InvariantCulture, $"{m.Conflicts} ({(double)m.Conflicts / Math.Max(1, m.Requests):P3})") : "–")} | {(lib == "ts" ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "×" : string.Empty)} | {(lib == "ts" ? spread : string.Empty)} |");
            }
        }

        return sb.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<string> EstablishAsync(HttpClient http, string lib)
    {
        using var response = await http.GetAsync(new Uri($"{lib}/write", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var header = response.Headers.GetValues("Set-Cookie").First();
        return header[..header.IndexOf(';', StringComparison.Ordinal)];
    }

    // Tiered compilation: with the server's one core saturated, its hot paths reach optimized (tier-1) code only after
    // about a minute of load (measured: /ts/read on Redis went from 3.8k to 15k req/s between 5 s and 55 s of load, as
    // the tier-1 method count rose from 0 to 1,900). Unwarmed 5-second rounds measure the JIT, not the libraries: every
    // case of both libraries is driven in turn, in 3-second bursts, for the given time before any round counts.
    private static async Task WarmUpAsync(HttpClient http, string baseUrl, int seconds, int connections)
    {
        if (seconds <= 0)
        {
            return;
        }

        var cookies = new Dictionary<string, string>
        {
            ["ts"] = await EstablishAsync(http, "ts"),
            ["ms"] = await EstablishAsync(http, "ms"),
        };
        var until = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
        var bursts = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            foreach (var @case in Cases)
            {
                foreach (var lib in new[] { "ts", "ms" })
                {
                    await WrkAsync($"{baseUrl}/{lib}/{@case}", cookies[lib], 3, connections);
                    bursts++;
                }
            }
        }

        Console.Error.WriteLine($"warm-up: {bursts} bursts of 3 s; {await JitCompiledAsync(http)} methods JIT-compiled so far");
    }

    private static async Task<long> JitCompiledAsync(HttpClient http)
        => long.Parse((await http.GetStringAsync(new Uri("stats", UriKind.Relative))).Split(' ')[3], CultureInfo.InvariantCulture);

    // N sessions of one library, established 16 requests at a time; one "Cookie" header value per line.
    private static async Task<string[]> EstablishManyAsync(HttpClient http, string lib, int users)
    {
        var cookies = new string[users];
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => cookies[i] = await EstablishAsync(http, lib));
        return cookies;
    }

    // TypedSessions: ISessionStore calls (each one Redis round trip: one EVALSHA, or UNLINK).
    // Built-in: IDistributedCache calls (RedisCache: Get = HMGET + EXPIRE, Refresh = HMGET + EXPIRE, Set = HSET + EXPIRE).
    private static async Task<long> ConflictsAsync(HttpClient http)
        => long.Parse((await http.GetStringAsync(new Uri("stats", UriKind.Relative))).Split(' ')[2], CultureInfo.InvariantCulture);

    private static async Task<long> BackendCallsAsync(HttpClient http, string lib)
    {
        var parts = (await http.GetStringAsync(new Uri("stats", UriKind.Relative))).Split(' ');
        return long.Parse(lib == "ts" ? parts[0] : parts[1], CultureInfo.InvariantCulture);
    }

    // Sum of calls over every command except INFO itself.
    private static async Task<long> RedisCommandsAsync(string redis)
    {
        var (host, port) = (redis.Split(':')[0], redis.Split(':')[1]);
        var output = await RunAsync("redis-cli", $"-h {host} -p {port} INFO commandstats");
        long total = 0;
        foreach (Match m in CommandStat().Matches(output))
        {
            if (m.Groups[1].Value != "info")
            {
                total += long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    private static async Task<WrkRun> WrkAsync(string url, string? cookie, int seconds, int connections, string? script = null, string? file = null)
    {
        var header = cookie is null ? string.Empty : $"-H \"Cookie: {cookie}\" ";
        var lua = script is null ? string.Empty : $" -s {script}";
        var output = await RunAsync("wrk", $"-t{Math.Min(2, connections)} -c{connections} -d{seconds}s --latency{lua} {header}{url}{(file is null ? string.Empty : $" -- {file}")}");
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(TotalRequests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var errorsMatch = NonSuccess().Match(output);
        var errors = errorsMatch.Success ? long.Parse(errorsMatch.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrors().Match(output);
        if (socketErrors.Success)
        {
            errors += socketErrors.Groups[1].Value.Split(',').Sum(p => long.Parse(p.Trim().Split(' ')[^1], CultureInfo.InvariantCulture));
        }

        return new WrkRun(rps, Percentile(output, "50"), Percentile(output, "99"), requests, errors);
    }

    private static double Percentile(string output, string percentile)
    {
        var m = Regex.Match(output, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static async Task<string> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {file}");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        }

        return output;
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: (.*)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"cmdstat_([a-z|]+):calls=(\d+)")]
    private static partial Regex CommandStat();

    // The wrk script that sends each request with the next cookie of a file (one per line), each wrk thread starting at
    // a random line; and the files it reads, deleted at the end of the run.
    private sealed class CookieFiles : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("typedsessions-users-").FullName;
        private int _count;

        public CookieFiles()
        {
            Script = Path.Combine(_directory, "users.lua");
            File.WriteAllText(Script, """
                local cookies = {}
                local i = 0
                function init(args)
                  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
                  i = math.random(#cookies)
                end
                function request()
                  i = i % #cookies + 1
                  return wrk.format(nil, nil, { ["Cookie"] = cookies[i] })
                end
                """);
        }

        public string Script { get; }

        public async Task<string> WriteAsync(string[] cookies)
        {
            var file = Path.Combine(_directory, $"cookies-{++_count}.txt");
            await File.WriteAllLinesAsync(file, cookies);
            return file;
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }

    private sealed record WrkRun(double RequestsPerSecond, double P50, double P99, long Requests, long Errors, long Conflicts = 0);

    private sealed record Result(string Case, string Library, double RequestsPerSecond, double P50, double P99, long Requests, long Errors, double CallsPerRequest, double CommandsPerRequest, long Conflicts = 0);
}
