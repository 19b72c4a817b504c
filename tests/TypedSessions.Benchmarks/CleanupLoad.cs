using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TypedSessions.PostgreSql;
using TypedSessions.Sqlite;
using TypedSessions.Storage;

namespace TypedSessions.Benchmarks;

/// <summary>
/// Read and write latency of live sessions before, during and after <see cref="ISessionStore.DeleteExpiredAsync"/> on
/// a store that already holds the expired sessions (tests/TypedSessions.Benchmarks/clear-expired-benchmark.sh seeds
/// them with SQL). Adds <c>--live</c> live sessions in the store's own layout, then runs <c>--readers</c> tasks calling
/// <see cref="ISessionStore.LoadAsync"/> and one task calling <see cref="ISessionStore.SaveAsync"/> on random live
/// sessions through the real store (after 2 s of warm-up) for <c>--seconds</c> before the cleanup, during it and <c>--seconds</c> after, and
/// prints p50/p99/max and counts per phase, the cleanup's time and its longest batch. <c>--cleanup-store separate</c>
/// runs the cleanup on a second store instance (its own connections and, for SQLite, no shared write gate: as the
/// CLI in another process); <c>same</c> on the app's store (as the hosted cleanup). By default every task calls as fast
/// as it can (a load that saturates the machine); <c>--rate R</c> paces the readers to R loads a second in all and the
/// writer to <c>--write-rate W</c> saves a second (default 50), as an app with that much traffic, and then a latency is
/// counted from the instant the call was due, so a call held up behind a blocked one counts its wait too.
/// <code>
/// dotnet TypedSessions.Benchmarks.dll cleanup-load --store sqlite|postgresql --connection CS [--live 10000]
///     [--readers 4] [--seconds 5] [--batch 1000] [--cleanup-store same|separate] [--rate R] [--write-rate W]
/// dotnet TypedSessions.Benchmarks.dll cleanup-load --store redis-seed --connection host:port,... [--live 1000000] [--short N] [--stale N]
/// </code>
/// </summary>
public static class CleanupLoad
{
    private const int Before = 0;
    private const int During = 1;
    private const int After = 2;
    private const int WarmUp = 3;
    private static readonly string[] PhaseNames = ["before", "during", "after"];

    /// <summary>Runs the measurement.</summary>
    /// <param name="args">The options above (after <c>cleanup-load</c>).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var store = options["--store"];
        var connection = options["--connection"];
        if (store == "redis-seed")
        {
            return await SeedRedisAsync(connection, options).ConfigureAwait(false);
        }

        var live = int.Parse(options.GetValueOrDefault("--live", "10000"), CultureInfo.InvariantCulture);
        var readers = int.Parse(options.GetValueOrDefault("--readers", "4"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(options.GetValueOrDefault("--seconds", "5"), CultureInfo.InvariantCulture);
        var batch = int.Parse(options.GetValueOrDefault("--batch", "1000"), CultureInfo.InvariantCulture);
        var separate = options.GetValueOrDefault("--cleanup-store", "same") == "separate";
        var rate = double.Parse(options.GetValueOrDefault("--rate", "0"), CultureInfo.InvariantCulture);
        var writeRate = double.Parse(options.GetValueOrDefault("--write-rate", "50"), CultureInfo.InvariantCulture);

        // Microsoft.Data.Sqlite completes its "async" calls synchronously: without spare pool threads the reader loops
        // would hold every thread and the writer (and the cleanup) would wait for the pool to grow.
        ThreadPool.GetMinThreads(out var workerThreads, out var ioThreads);
        ThreadPool.SetMinThreads(Math.Max(workerThreads, readers + 16), ioThreads);
        var app = Create(store, connection, batch);
        var cleaner = separate ? Create(store, connection, batch) : app;
        try
        {
            var keys = await SeedLiveAsync(app, store, connection, live).ConfigureAwait(false);
            Console.WriteLine($"store {store}, cleanup on {(separate ? "a separate store instance (as the CLI)" : "the app's store instance")}, batch {batch}, {live} live sessions, {readers} readers + 1 writer{(rate > 0 ? $" paced to {rate:N0} loads/s and {writeRate:N0} saves/s" : " as fast as they can")}, {seconds} s before and after");

            var phase = WarmUp;
            var reads = new[] { new List<double>(), new List<double>(), new List<double>() };
            var writes = new[] { new List<double>(), new List<double>(), new List<double>() };
            var failures = 0;
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, readers + 1).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                var mine = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
                var clock = new Stopwatch();

                // Paced: this task's calls are due every interval from its start; a late call starts at once.
                var interval = rate > 0 ? TimeSpan.FromSeconds(w < readers ? readers / rate : 1 / writeRate) : TimeSpan.Zero;
                var started = Stopwatch.GetTimestamp();
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var key = keys[random.Next(keys.Length)];
                    var due = TimeSpan.Zero;
                    if (rate > 0)
                    {
                        due = interval * n;
                        var wait = due - Stopwatch.GetElapsedTime(started);
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait).ConfigureAwait(false);
                        }
                    }

                    var at = Volatile.Read(ref phase);
                    clock.Restart();
                    if (w < readers)
                    {
                        if ((await app.LoadAsync(key, new(DateTimeOffset.UtcNow, null)).ConfigureAwait(false)).Record is null)
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                    else
                    {
                        var changes = new SessionChangeSet { Now = DateTimeOffset.UtcNow, SetValues = new Dictionary<string, byte[]> { ["n"] = BitConverter.GetBytes(n) } };
                        if (await app.SaveAsync(key, changes).ConfigureAwait(false) != SessionWriteOutcome.Applied)
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }

                    mine[at].Add(rate > 0 ? (Stopwatch.GetElapsedTime(started) - due).TotalMilliseconds : clock.Elapsed.TotalMilliseconds);
                }

                var into = w < readers ? reads : writes;
                lock (into)
                {
                    for (var p = 0; p < 3; p++)
                    {
                        into[p].AddRange(mine[p]);
                    }
                }
            })).ToArray();

            // Two seconds of the same load first (JIT, pools, page cache), not counted.
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            Volatile.Write(ref phase, Before);
            var phaseClock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            var beforeSeconds = phaseClock.Elapsed.TotalSeconds;
            Volatile.Write(ref phase, During);
            phaseClock.Restart();
            var batchClock = Stopwatch.StartNew();
            var longestBatch = 0.0;
            var batches = 0;
            long? total = null;
            var deleted = await cleaner.DeleteExpiredAsync(DateTimeOffset.UtcNow, new Progress(p =>
            {
                // The first report follows the count; every later one a batch (its lock and the range read before it).
                if (p.Deleted == 0)
                {
                    total = p.Total;
                }
                else
                {
                    batches++;
                    longestBatch = Math.Max(longestBatch, batchClock.Elapsed.TotalMilliseconds);
                }

                batchClock.Restart();
            })).ConfigureAwait(false);
            var duringSeconds = phaseClock.Elapsed.TotalSeconds;
            Volatile.Write(ref phase, After);
            phaseClock.Restart();
            await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers).ConfigureAwait(false);
            var afterSeconds = phaseClock.Elapsed.TotalSeconds;

            Console.WriteLine($"cleanup: deleted {deleted:N0} of {total:N0} counted in {duringSeconds:F1} s; {batches} batches with deletes, longest {longestBatch:F0} ms (from the end of one report to the next)");
            Console.WriteLine("| phase | seconds | reads | reads/s | read p50 | read p99 | read max | writes | write p50 | write p99 | write max |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            var lengths = new[] { beforeSeconds, duringSeconds, afterSeconds };
            for (var p = 0; p < 3; p++)
            {
                var r = reads[p];
                var w = writes[p];
                r.Sort();
                w.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {PhaseNames[p]} | {lengths[p]:F1} | {r.Count:N0} | {r.Count / lengths[p]:N0} | {Percentile(r, 0.50):F2} ms | {Percentile(r, 0.99):F2} ms | {Max(r):F1} ms | {w.Count:N0} | {Percentile(w, 0.50):F2} ms | {Percentile(w, 0.99):F2} ms | {Max(w):F1} ms |"));
            }

            Console.WriteLine($"failed operations (a live session not found or not saved): {failures}");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            await DisposeAsync(app).ConfigureAwait(false);
            if (separate)
            {
                await DisposeAsync(cleaner).ConfigureAwait(false);
            }
        }
    }

    private static ISessionStore Create(string store, string connection, int batch) => store switch
    {
        "sqlite" => new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions { ConnectionString = connection, CleanupBatchSize = batch })),
        "postgresql" => new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions { ConnectionString = connection, CleanupBatchSize = batch })),
        _ => throw new ArgumentException($"--store {store}: sqlite or postgresql"),
    };

    // Live sessions expiring in 20 minutes. SQLite: one transaction of rows in the store's layout (the envelope
    // SqliteSessionStore writes); PostgreSQL: the store's CreateAsync, 8 at a time.
    private static async Task<string[]> SeedLiveAsync(ISessionStore store, string kind, string connectionString, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var keys = Enumerable.Range(0, count).Select(_ => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))).ToArray();
        SessionRecord Record() => new(
            new Dictionary<string, byte[]> { ["uid"] = [1, 2, 3, 4], ["username"] = "user@example.com"u8.ToArray(), ["cart"] = new byte[256] },
            now,
            SessionLifetime.Compute(SessionExpiryMode.Default, now, now, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));
        if (store is SqliteSessionStore sqlite)
        {
            await sqlite.EnsureSchemaAsync().ConfigureAwait(false);
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO typedsessions (key, expires_at, version, user_key, data) VALUES ($key, $expires, 1, NULL, $data);";
            var key = insert.Parameters.Add("$key", SqliteType.Text);
            var expires = insert.Parameters.Add("$expires", SqliteType.Integer);
            var data = insert.Parameters.Add("$data", SqliteType.Blob);
            foreach (var k in keys)
            {
                var record = Record();
                key.Value = k;
                expires.Value = record.Lifetime.ExpiresAt.ToUnixTimeMilliseconds();
                data.Value = SessionEnvelope.Serialize(record);
                await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }
        else
        {
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
            {
                if (!await store.CreateAsync(k, Record(), ct).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"{kind}: a live session could not be created");
                }
            }).ConfigureAwait(false);
        }

        return keys;
    }

    // Seeds a Redis (Cluster) in the store's layout: one session is created by RedisSessionStore.CreateAsync, and its
    // hash (fields and values) is copied under --live new keys with the same TTL, --short keys whose expiry and TTL end
    // 2 s after they are written (Redis removes them itself) and --stale keys whose stored expiry (@e) passed an hour ago while their TTL has an
    // hour left (as after a clock step or a TTL set by hand): only those are left for clear-expired to delete.
    // StackExchange.Redis routes each key to its slot's primary; 10,000 commands are in flight at a time.
    private static async Task<int> SeedRedisAsync(string connection, Dictionary<string, string> options)
    {
        var live = int.Parse(options.GetValueOrDefault("--live", "1000000"), CultureInfo.InvariantCulture);
        var shortLived = int.Parse(options.GetValueOrDefault("--short", "0"), CultureInfo.InvariantCulture);
        var stale = int.Parse(options.GetValueOrDefault("--stale", "0"), CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        await using var multiplexer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(connection).ConfigureAwait(false);
        await using var store = new TypedSessions.Redis.RedisSessionStore(Options.Create(new TypedSessions.Redis.RedisSessionStoreOptions()), multiplexer);
        var template = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await store.CreateAsync(template, new SessionRecord(
            new Dictionary<string, byte[]> { ["uid"] = [1, 2, 3, 4], ["username"] = "user@example.com"u8.ToArray(), ["cart"] = new byte[256] },
            now,
            SessionLifetime.Compute(SessionExpiryMode.Default, now, now, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)))).ConfigureAwait(false);
        var database = multiplexer.GetDatabase();
        var fields = await database.HashGetAllAsync(store.RedisKeyFor(template)).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await WriteAsync(live, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(20)).ConfigureAwait(false);
        await WriteAsync(shortLived, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await WriteAsync(stale, -TimeSpan.FromHours(1), TimeSpan.FromHours(1)).ConfigureAwait(false);
        Console.WriteLine($"seeded {live + 1:N0} live, {shortLived:N0} expiring (stored expiry and TTL) 2 s after they were written, {stale:N0} with a stored expiry an hour ago and an hour of TTL, in {clock.Elapsed.TotalSeconds:F1} s ({fields.Length} fields a session)");
        return 0;

        // count copies of the template whose stored expiry (@e) is expiry from now and whose TTL is ttl from now.
        async Task WriteAsync(int count, TimeSpan expiry, TimeSpan ttl)
        {
            var entries = fields.Select(f => f.Name == "@e" ? new StackExchange.Redis.HashEntry("@e", (DateTimeOffset.UtcNow + expiry).ToUnixTimeMilliseconds()) : f).ToArray();
            var pending = new List<Task>(20_000);
            for (var i = 0; i < count; i++)
            {
                var key = store.RedisKeyFor(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
                pending.Add(database.HashSetAsync(key, entries));
                pending.Add(database.KeyExpireAsync(key, ttl));
                if (pending.Count >= 20_000)
                {
                    await Task.WhenAll(pending).ConfigureAwait(false);
                    pending.Clear();
                }
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    private static double Percentile(List<double> sorted, double q)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static double Max(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];

    private static async ValueTask DisposeAsync(ISessionStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        return options;
    }

    // Reports on the cleanup's own thread (System.Progress would post to the thread pool, late and out of order).
    private sealed class Progress(Action<SessionCleanupProgress> report) : IProgress<SessionCleanupProgress>
    {
        public void Report(SessionCleanupProgress value) => report(value);
    }
}
