using System.Globalization;
using System.Net;

namespace TypedSessions.LoadHarness.Soak;

/// <summary>
/// <c>soak --base URL --pid PID --store NAME [--clients 200] [--seconds 60]</c>: runs <see cref="SoakDriver"/>
/// against a running ShopSample, samples the app's RSS, prints the details on stderr and one markdown table
/// row on stdout (<see cref="Header"/> gives the header). Exit code 1 on any error, counter mismatch or
/// memory growth beyond <see cref="MemorySampler.IsStable"/>.
/// </summary>
internal static class SoakCommand
{
    public const string Header = """
        | store | clients | seconds | acknowledged increments | req/s | p50 ms | p99 ms | max ms | errors | counter mismatches | RSS 0-10 s (MiB) | RSS 20-30 s (MiB) | RSS last 10 s (MiB) | growth after warm-up | memory | result |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|
        """;

    public static async Task<int> RunAsync(Uri baseAddress, int pid, string store, int clients, int seconds)
    {
        using var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var options = new SoakOptions(clients, TimeSpan.FromSeconds(seconds), RequestTimeout: TimeSpan.FromSeconds(30), Grace: TimeSpan.FromSeconds(90));

        // Windows (60 s run): the judged comparison is 20-30 s against 50-60 s. The first 20 s are warm-up: JIT,
        // thread pool and connection pool growth, the server GC sizing its heap (RSS rises for ~20-30 s, then is
        // flat); 0-10 s is reported too. Shorter runs scale the windows down.
        var window = Math.Min(10.0, seconds / 6.0);
        var warmup = Math.Min(20.0, seconds / 3.0);
        SoakResult result;
        double start, first, last;
        var sampler = new MemorySampler(pid);
        await using (sampler)
        {
            result = await SoakDriver.RunAsync(http, options);
            start = sampler.MeanMiB(0, window);
            first = sampler.MeanMiB(warmup, warmup + window);
            last = sampler.MeanMiB(seconds - window, seconds);
        }

        var stable = MemorySampler.IsStable(first, last);
        var peak = sampler.Samples.Max(s => s.RssMiB);
        Console.Error.WriteLine($"[{store}] {result.Acknowledged} acknowledged increments in {result.Elapsed.TotalSeconds:F1} s, {result.RequestsPerSecond:F0} req/s, p50 {result.P50Milliseconds:F1} ms, p99 {result.P99Milliseconds:F1} ms, max {result.MaxMilliseconds:F0} ms");
        Console.Error.WriteLine($"[{store}] RSS samples (s: MiB): {string.Join(", ", sampler.Samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Seconds:F0}: {s.RssMiB:F0}")))}");
        Console.Error.WriteLine($"[{store}] RSS mean 0-{window:F0} s: {start:F1} MiB; {warmup:F0}-{warmup + window:F0} s: {first:F1} MiB; last {window:F0} s: {last:F1} MiB; peak {peak:F1} MiB: {(stable ? "stable" : "GROWING")}");
        foreach (var (kind, count) in result.Errors)
        {
            Console.Error.WriteLine($"[{store}] error: {kind} × {count}");
        }

        foreach (var m in result.Mismatches.Take(20))
        {
            Console.Error.WriteLine($"[{store}] mismatch: {m.Session} {m.Counter}: acknowledged {m.Acknowledged}, stored {m.Stored?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        var passed = result.Passed && stable;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {store} | {clients} | {seconds} | {result.Acknowledged} | {result.RequestsPerSecond:F0} | {result.P50Milliseconds:F1} | {result.P99Milliseconds:F1} | {result.MaxMilliseconds:F0} | {result.ErrorCount} | {result.Mismatches.Count} | {start:F1} | {first:F1} | {last:F1} | {(last - first) / first * 100:+0.0;-0.0}% | {(stable ? "stable" : "growing")} | {(passed ? "pass" : "FAIL")} |"));
        return passed ? 0 : 1;
    }
}
