using System.Diagnostics;
using System.Globalization;
using TypedSessions.Storage;

namespace TypedSessions.Cli;

/// <summary>
/// Shows <see cref="ISessionStore.DeleteExpiredAsync"/> progress on stderr: a bar redrawn in place on a
/// terminal (at most ten times a second), a plain line every few seconds otherwise. Reports arrive on the
/// store's own loop, so drawing is synchronous (unlike <see cref="Progress{T}"/>, which posts them).
/// </summary>
internal sealed class CleanupProgressReporter(TextWriter error, bool terminal) : IProgress<SessionCleanupProgress>
{
    private const int BarWidth = 30;
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDrawn = TimeSpan.MinValue;
    private bool _barShown;

    /// <summary>The latest report.</summary>
    public SessionCleanupProgress Last { get; private set; }

    /// <inheritdoc/>
    public void Report(SessionCleanupProgress value)
    {
        Last = value;
        var elapsed = _clock.Elapsed;
        var interval = terminal ? TerminalInterval : PlainInterval;
        if (_lastDrawn != TimeSpan.MinValue && elapsed - _lastDrawn < interval)
        {
            return;
        }

        _lastDrawn = elapsed;
        if (terminal)
        {
            error.Write("\r" + Line(value, elapsed) + "   ");
            _barShown = true;
        }
        else if (value.Deleted > 0)
        {
            error.WriteLine(Line(value, elapsed));
        }
    }

    /// <summary>Draws the final state and ends the bar's line.</summary>
    public void Complete()
    {
        if (terminal && _barShown)
        {
            error.WriteLine("\r" + Line(Last, _clock.Elapsed) + "   ");
        }
    }

    internal static string Line(SessionCleanupProgress value, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? value.Deleted / elapsed.TotalSeconds : 0;
        var speed = string.Create(CultureInfo.InvariantCulture, $"{rate:N0}/s");
        if (value.Total is { } total and > 0)
        {
            var share = Math.Clamp((double)value.Deleted / total, 0, 1);
            var filled = (int)Math.Round(share * BarWidth);
            return string.Create(CultureInfo.InvariantCulture,
                $"[{new string('#', filled)}{new string('-', BarWidth - filled)}] {share * 100,3:0}% {value.Deleted:N0}/{total:N0} deleted, {speed}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value.Deleted:N0} deleted, {speed}");
    }
}
