using System.Diagnostics;
using System.Globalization;

namespace TypedSessions.LoadHarness.Soak;

/// <summary>
/// Samples another process's resident set size (<c>VmRSS</c> in <c>/proc/&lt;pid&gt;/status</c>) once a second,
/// and compares the first window after warm-up with the last window of the run (60 s: 20-30 s against 50-60 s). "Stable" means the last window's mean
/// RSS is at most 10 % or 16 MiB (whichever is larger) above the first window's mean: the process serves
/// the same 201 sessions all run long, so anything that keeps growing beyond that is a leak.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    public const double AllowedGrowthFraction = 0.10;
    public const double AllowedGrowthMiB = 16;

    private readonly int _pid;
    private readonly List<(double Seconds, double RssMiB)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;

    public MemorySampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(LoopAsync);
    }

    public IReadOnlyList<(double Seconds, double RssMiB)> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Mean RSS of the samples in [from, to) seconds since the sampler started.</summary>
    public double MeanMiB(double from, double to)
    {
        var window = Samples.Where(s => s.Seconds >= from && s.Seconds < to).Select(s => s.RssMiB).ToList();
        return window.Count == 0 ? double.NaN : window.Average();
    }

    public static bool IsStable(double firstMiB, double lastMiB)
        => lastMiB - firstMiB <= Math.Max(firstMiB * AllowedGrowthFraction, AllowedGrowthMiB);

    public static double ReadRssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kib / 1024.0;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var rss = ReadRssMiB(_pid);
            lock (_samples)
            {
                _samples.Add((_clock.Elapsed.TotalSeconds, rss));
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token));
    }
}
