using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TypedSessions.LoadHarness.Soak;

/// <summary>What one soak run does.</summary>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="Duration">How long clients keep sending; the hard deadline is this plus <see cref="Grace"/>.</param>
/// <param name="RequestTimeout">Bound of one request; a request that takes longer is an error.</param>
/// <param name="Grace">Time after <see cref="Duration"/> for the last requests and the read-back.</param>
/// <param name="CookieName">The app's session cookie.</param>
internal sealed record SoakOptions(int Clients, TimeSpan Duration, TimeSpan RequestTimeout, TimeSpan Grace, string CookieName = "__Host-session");

/// <summary>One counter whose stored value is not the number of acknowledged increments.</summary>
internal sealed record CounterMismatch(string Session, string Counter, long Acknowledged, long? Stored);

/// <summary>The outcome of a soak run: correctness first, then throughput and latency.</summary>
/// <param name="SameKeyAcknowledged">Acknowledged increments of the one counter every client shares (part of <paramref name="Acknowledged"/>).</param>
/// <param name="Conflicts">409 answers that were retried (conflict detection at work; not errors).</param>
internal sealed record SoakResult(
    long Acknowledged,
    IReadOnlyDictionary<string, long> Errors,
    IReadOnlyList<CounterMismatch> Mismatches,
    TimeSpan Elapsed,
    double P50Milliseconds,
    double P99Milliseconds,
    double MaxMilliseconds,
    long SameKeyAcknowledged = 0,
    long Conflicts = 0)
{
    public long ErrorCount => Errors.Values.Sum();

    public double RequestsPerSecond => Acknowledged / Math.Max(Elapsed.TotalSeconds, 0.001);

    public bool Passed => ErrorCount == 0 && Mismatches.Count == 0;
}

/// <summary>
/// The soak driver against the ShopSample counter API. One shared session is created first; then each client
/// <c>i</c> loops until the duration ends: it increments <c>c{i}</c> on the shared session (all clients on one
/// session, each on its own key: the per-key merge under contention), then <c>all</c> on the shared session (every
/// client on the same key: read-modify-write under contention, where conflict detection answers 409 and the client
/// retries, as the sample's pages do), and <c>own</c> on a session of its own.
/// Every client makes at least one round. Every 2xx answer is an acknowledged increment; anything else, a timeout or an exception is an error, counted
/// by kind. At the end every counter is read back (<c>GET /api/session</c>) and must equal its acknowledged
/// count exactly: fewer is a lost update, more an increment the client was never told about.
/// Cookies are handled by hand (no cookie container), so one client can hold two sessions.
/// </summary>
internal static class SoakDriver
{
    private const string SetupCounter = "setup";
    private const string OwnCounter = "own";
    private const string SameKeyCounter = "all";
    private const string ConflictError = "HTTP 409";

    // A 409 (another request changed the key first) is retried this many times, with a short random backoff.
    private const int MaxConflictRetries = 1000;

    public static async Task<SoakResult> RunAsync(HttpClient http, SoakOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(options.Duration + options.Grace);
        var errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<List<double>>();
        var conflicts = new StrongBox<long>();

        // The shared session: created by one increment of "setup" (so it must read back as exactly 1).
        var setup = await SendAsync(http, options, null, SetupCounter, hard.Token);
        var sharedCookie = setup.Ok ? setup.NewCookie : null;
        if (sharedCookie is null)
        {
            errors.AddOrUpdate("setup: " + (setup.Error ?? "no session cookie"), 1, (_, n) => n + 1);
            return new SoakResult(0, errors, [], TimeSpan.Zero, 0, 0, 0);
        }

        var clients = new Client[options.Clients];
        var clock = Stopwatch.StartNew();
        var until = options.Duration;
        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(i => Task.Run(async () =>
        {
            var client = clients[i] = new Client($"c{i.ToString(CultureInfo.InvariantCulture)}");
            var times = new List<double>(1024);
            latencies.Add(times);
            // At least one round per client, however late its task starts.
            do
            {
                var shared = await SendRetryingAsync(http, options, sharedCookie, client.Key, conflicts, hard.Token);
                Record(shared, times, errors, ref client.SharedAcknowledged);
                var same = await SendRetryingAsync(http, options, sharedCookie, SameKeyCounter, conflicts, hard.Token);
                Record(same, times, errors, ref client.SameKeyAcknowledged);
                if (shared.NewCookie is { } changed && changed != sharedCookie || same.NewCookie is { } changedToo && changedToo != sharedCookie)
                {
                    errors.AddOrUpdate("shared session: cookie changed", 1, (_, n) => n + 1);
                }

                var own = await SendRetryingAsync(http, options, client.OwnCookie, OwnCounter, conflicts, hard.Token);
                if (own.Ok && own.NewCookie is not null)
                {
                    if (client.OwnCookie is not null && client.OwnCookie != own.NewCookie)
                    {
                        // The session this client counted on is gone: its count can no longer be checked.
                        errors.AddOrUpdate("own session: cookie changed", 1, (_, n) => n + 1);
                    }

                    client.OwnCookie = own.NewCookie;
                }

                Record(own, times, errors, ref client.OwnAcknowledged);
            }
            while (clock.Elapsed < until && !hard.IsCancellationRequested);
        }, CancellationToken.None)));
        var elapsed = clock.Elapsed;

        // Read back: the shared session holds "setup" = 1 and c{i} = acknowledged, nothing else.
        var mismatches = new List<CounterMismatch>();
        var expectedShared = clients.ToDictionary(c => c.Key, c => c.SharedAcknowledged, StringComparer.Ordinal);
        expectedShared[SetupCounter] = 1;
        expectedShared[SameKeyCounter] = clients.Sum(c => c.SameKeyAcknowledged);
        await CompareAsync(http, options, "shared", sharedCookie, expectedShared, mismatches, errors, hard.Token);
        foreach (var client in clients)
        {
            if (client.OwnCookie is not null)
            {
                await CompareAsync(http, options, "own " + client.Key, client.OwnCookie, new Dictionary<string, long>(StringComparer.Ordinal) { [OwnCounter] = client.OwnAcknowledged }, mismatches, errors, hard.Token);
            }
            else if (client.OwnAcknowledged != 0)
            {
                mismatches.Add(new CounterMismatch("own " + client.Key, OwnCounter, client.OwnAcknowledged, null));
            }
        }

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new SoakResult(
            clients.Sum(c => c.SharedAcknowledged + c.SameKeyAcknowledged + c.OwnAcknowledged) + 1,
            new SortedDictionary<string, long>(errors, StringComparer.Ordinal),
            mismatches,
            elapsed,
            Percentile(all, 0.50),
            Percentile(all, 0.99),
            all.Length == 0 ? 0 : all[^1],
            clients.Sum(c => c.SameKeyAcknowledged),
            Interlocked.Read(ref conflicts.Value));
    }

    private static void Record(Outcome outcome, List<double> times, ConcurrentDictionary<string, long> errors, ref long acknowledged)
    {
        times.Add(outcome.Milliseconds);
        if (outcome.Ok)
        {
            acknowledged++;
        }
        else
        {
            errors.AddOrUpdate(outcome.Error!, 1, (_, n) => n + 1);
        }
    }

    private static async Task CompareAsync(HttpClient http, SoakOptions options, string session, string cookie, Dictionary<string, long> expected, List<CounterMismatch> mismatches, ConcurrentDictionary<string, long> errors, CancellationToken cancellationToken)
    {
        Dictionary<string, long> stored;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
            request.Headers.Add("Cookie", $"{options.CookieName}={cookie}");
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                errors.AddOrUpdate($"read-back: HTTP {(int)response.StatusCode}", 1, (_, n) => n + 1);
                return;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            stored = body.RootElement.GetProperty("counters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException)
        {
            errors.AddOrUpdate("read-back: " + e.GetType().Name, 1, (_, n) => n + 1);
            return;
        }

        foreach (var (counter, acknowledged) in expected)
        {
            var value = stored.TryGetValue(counter, out var v) ? v : 0;
            if (value != acknowledged)
            {
                mismatches.Add(new CounterMismatch(session, counter, acknowledged, value));
            }
        }

        foreach (var (counter, value) in stored.Where(p => !expected.ContainsKey(p.Key)))
        {
            mismatches.Add(new CounterMismatch(session, counter, 0, value));
        }
    }

    // Retries a 409 (the increment was not applied: another request changed the counter first) after a short random backoff.
    private static async Task<Outcome> SendRetryingAsync(HttpClient http, SoakOptions options, string? cookie, string counter, StrongBox<long> conflicts, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var outcome = await SendAsync(http, options, cookie, counter, cancellationToken);
            if (outcome.Error != ConflictError)
            {
                return outcome;
            }

            if (attempt == MaxConflictRetries)
            {
                return outcome with { Error = $"HTTP 409 after {MaxConflictRetries} retries" };
            }

            Interlocked.Increment(ref conflicts.Value);
            try
            {
                await Task.Delay(Random.Shared.Next(1, 2 + Math.Min(50, attempt * 2)), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return outcome with { Error = "hard deadline" };
            }
        }
    }

    private static async Task<Outcome> SendAsync(HttpClient http, SoakOptions options, string? cookie, string counter, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/counters/" + counter);
            if (cookie is not null)
            {
                request.Headers.Add("Cookie", $"{options.CookieName}={cookie}");
            }

            using var response = await http.SendAsync(request, timeout.Token);
            await response.Content.LoadIntoBufferAsync(timeout.Token);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return response.IsSuccessStatusCode
                ? new Outcome(true, null, ms, SessionCookie(response.Headers, options.CookieName))
                : new Outcome(false, $"HTTP {(int)response.StatusCode}", ms, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(false, "request timeout", Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(false, "hard deadline", Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, $"{e.GetType().Name} ({e.HttpRequestError})", Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
    }

    private static string? SessionCookie(HttpResponseHeaders headers, string name)
    {
        if (!headers.TryGetValues("Set-Cookie", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            if (value.StartsWith(name + "=", StringComparison.Ordinal))
            {
                var end = value.IndexOf(';', StringComparison.Ordinal);
                return value[(name.Length + 1)..(end < 0 ? value.Length : end)];
            }
        }

        return null;
    }

    private static double Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record Outcome(bool Ok, string? Error, double Milliseconds, string? NewCookie);

    private sealed class Client(string key)
    {
        public string Key { get; } = key;

        public string? OwnCookie { get; set; }

        public long SharedAcknowledged;

        public long SameKeyAcknowledged;

        public long OwnAcknowledged;
    }
}
