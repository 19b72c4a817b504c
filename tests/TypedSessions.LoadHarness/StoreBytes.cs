using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TypedSessions.LoadHarness;

/// <summary>
/// Bytes between the app and its store, as "to from server-written" (-1: not measured). PostgreSQL: Npgsql's own metrics
/// (meter <c>Npgsql</c>, the instruments whose names end in <c>bytes_written</c> and <c>bytes_read</c>): bytes on the
/// wire; and the server's WAL bytes (<c>pg_stat_wal.wal_bytes</c>), what the server wrote for the rows. SQLite
/// (in-process, no wire): the process's <c>wchar</c> from <c>/proc/self/io</c>, every byte it passed to write() — the WAL
/// frames and checkpoints, plus the HTTP responses (about 100 B each); reads are not measured.
/// </summary>
internal sealed partial class StoreBytes : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _written;
    private long _read;

    public StoreBytes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && (instrument.Name.EndsWith("bytes_written", StringComparison.Ordinal) || instrument.Name.EndsWith("bytes_read", StringComparison.Ordinal)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name.EndsWith("bytes_written", StringComparison.Ordinal))
            {
                Interlocked.Add(ref _written, value);
            }
            else
            {
                Interlocked.Add(ref _read, value);
            }
        });
        _listener.Start();
    }

    public async Task<string> ReadAsync(string backend, IServiceProvider services)
    {
        switch (backend)
        {
            case "postgres":
                // Read the client counters first: the WAL query's own bytes then fall outside this reading.
                var (written, read) = (Interlocked.Read(ref _written), Interlocked.Read(ref _read));
                var connection = services.GetRequiredService<IConfiguration>()["postgres"]!;
                await using (var source = Npgsql.NpgsqlDataSource.Create(connection))
                await using (var command = source.CreateCommand("SELECT wal_bytes::bigint FROM pg_stat_wal"))
                {
                    var wal = (long)(await command.ExecuteScalarAsync())!;
                    return string.Create(CultureInfo.InvariantCulture, $"{written} {read} {wal}");
                }

            case "sqlite":
                return string.Create(CultureInfo.InvariantCulture, $"{ProcessWrittenChars()} -1 -1");
            default:
                return "-1 -1 -1";
        }
    }

    public void Dispose() => _listener.Dispose();

    private static long ProcessWrittenChars()
        => long.Parse(WrittenChars().Match(File.ReadAllText("/proc/self/io")).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^wchar: (\d+)", RegexOptions.Multiline)]
    private static partial Regex WrittenChars();
}
