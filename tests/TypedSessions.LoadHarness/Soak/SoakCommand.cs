using System.Globalization;
using System.Net;

namespace TypedSessions.LoadHarness.Soak;

/// <summary>
/// <c>soak --base URL --pid PID --store NAME [--clients 200] [--seconds 60] [--warmup 20]</c>: runs
/// <see cref="SoakDriver"/> against a running ShopSample — first a warm-up run, then the measured run — samples
/// the app's RSS during the measured run, prints the details on stderr and one markdown table
/// row on stdout (<see cref="Header"/> gives the header). Exit code 1 on any error, counter mismatch or
/// memory growth beyond <see cref="MemorySampler.IsStable"/>.
/// </summary>
internal static class SoakCommand
{
    public const string Header = """
        | store | clients | warm-up s | measured s | acknowledged increments | req/s | p50 ms | p99 ms | max ms | errors | counter mismatches | RSS first 10 s (MiB) | RSS last 10 s (MiB) | growth | memory | result |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|
        """;

    public static async Task<int> RunAsync(Uri baseAddress, int pid, string store, int clients, int seconds, int warmupSeconds)
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

        // A fresh process spends its first ~20-30 s growing RSS (JIT, thread pool and connection pool growth, the
        // server GC sizing its heap). The warm-up run (same clients, its own sessions, checked the same way) takes
        // that; memory is then judged over the measured run only: its first 10 s against its last 10 s.
        SoakResult? warm = null;
        if (warmupSeconds > 0)
        {
            warm = await SoakDriver.RunAsync(http, options with { Duration = TimeSpan.FromSeconds(warmupSeconds) });
            Console.Error.WriteLine($"[{store}] warm-up: {warm.Acknowledged} acknowledged increments in {warm.Elapsed.TotalSeconds:F1} s, {warm.ErrorCount} errors, {warm.Mismatches.Count} mismatches");
        }

        var window = Math.Min(10.0, seconds / 6.0);
        SoakResult result;
        double first, last;
        var sampler = new MemorySampler(pid);
        await using (sampler)
        {
            result = await SoakDriver.RunAsync(http, options);
            first = sampler.MeanMiB(0, window);
            last = sampler.MeanMiB(seconds - window, seconds);
        }

        var stable = MemorySampler.IsStable(first, last);
        var peak = sampler.Samples.Max(s => s.RssMiB);
        Console.Error.WriteLine($"[{store}] {result.Acknowledged} acknowledged increments in {result.Elapsed.TotalSeconds:F1} s, {result.RequestsPerSecond:F0} req/s, p50 {result.P50Milliseconds:F1} ms, p99 {result.P99Milliseconds:F1} ms, max {result.MaxMilliseconds:F0} ms");
        Console.Error.WriteLine($"[{store}] same-key phase: {result.SameKeyAcknowledged} acknowledged increments of one shared counter, {result.Conflicts} 409 answers retried");
        Console.Error.WriteLine($"[{store}] RSS samples (s: MiB): {string.Join(", ", sampler.Samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Seconds:F0}: {s.RssMiB:F0}")))}");
        Console.Error.WriteLine($"[{store}] RSS mean first {window:F0} s: {first:F1} MiB; last {window:F0} s: {last:F1} MiB; peak {peak:F1} MiB: {(stable ? "stable" : "GROWING")}");
        foreach (var (kind, count) in result.Errors.Concat(warm?.Errors ?? new Dictionary<string, long>()))
        {
            Console.Error.WriteLine($"[{store}] error: {kind} × {count}");
        }

        foreach (var m in result.Mismatches.Concat(warm?.Mismatches ?? []).Take(20))
        {
            Console.Error.WriteLine($"[{store}] mismatch: {m.Session} {m.Counter}: acknowledged {m.Acknowledged}, stored {m.Stored?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        var passed = result.Passed && (warm?.Passed ?? true) && stable;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {store} | {clients} | {warmupSeconds} | {seconds} | {result.Acknowledged} | {result.RequestsPerSecond:F0} | {result.P50Milliseconds:F1} | {result.P99Milliseconds:F1} | {result.MaxMilliseconds:F0} | {result.ErrorCount + (warm?.ErrorCount ?? 0)} | {result.Mismatches.Count + (warm?.Mismatches.Count ?? 0)} | {first:F1} | {last:F1} | {(last - first) / first * 100:+0.0;-0.0}% | {(stable ? "stable" : "growing")} | {(passed ? "pass" : "FAIL")} |"));
        return passed ? 0 : 1;
    }
}
