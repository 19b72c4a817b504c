using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace TypedSessions.Faults.Tests;

/// <summary>How one fault is made and undone, and what the run expects while it lasts.</summary>
/// <param name="Store">Store name for the report.</param>
/// <param name="Description">Fault description for the report.</param>
/// <param name="Inject">Makes the fault; returns when it is in effect.</param>
/// <param name="Restore">Undoes it; returns when the store is back (accepting connections, lock released, pause over).</param>
/// <param name="ReadsMayPass">Whether reads may still succeed during the fault (a write lock, a read-only file).</param>
/// <param name="PartialOutage">Whether the fault hits only some sessions (one primary of a Redis Cluster): reads and writes of
/// the others may succeed during it, and must show the right values.</param>
/// <param name="MayLoseAcknowledged">Whether acknowledged writes may be lost by design (asynchronous replication, failover): such
/// losses are counted (<see cref="FaultResult.LostAcknowledged"/>) instead of being violations.</param>
internal sealed record Fault(string Store, string Description, Func<Task> Inject, Func<Task> Restore, bool ReadsMayPass = false, bool PartialOutage = false, bool MayLoseAcknowledged = false);

/// <summary>
/// Drives several concurrent clients against a <see cref="FaultApp"/> through a fault: warm-up, fault
/// window, recovery; then checks every session (the clients' and idle bystanders') and writes one row
/// of the docs/reliability.md table (to the test output, and appended to the file named by
/// <c>TYPEDSESSIONS_FAULTS_REPORT</c> when set).
/// </summary>
internal static class FaultRun
{
    public const string ReportVariable = "TYPEDSESSIONS_FAULTS_REPORT";

    public static readonly TimeSpan StoreTimeout = TimeSpan.FromMilliseconds(750);

    // A request makes at most two store calls (load, then save), each bounded by the timeout; the rest
    // is generous slack for a 2-core CI machine. A bound, not a benchmark.
    public static readonly TimeSpan LatencyBound = (2 * StoreTimeout) + TimeSpan.FromSeconds(3);

    private const int Clients = 6;
    private const int Bystanders = 10;
    private static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(800);
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(20);

    /// <param name="app">The app under load.</param>
    /// <param name="fault">The fault.</param>
    /// <param name="window">How long the fault lasts before it is undone.</param>
    /// <param name="output">The test output.</param>
    /// <param name="established">Called with the clients' session cookie values once their sessions exist, before the load
    /// (a fault that must hit the clients' sessions picks its target from them).</param>
    public static async Task<FaultResult> RunAsync(FaultApp app, Fault fault, TimeSpan window, ITestOutputHelper output, Action<IReadOnlyList<string>>? established = null)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };

        // Idle sessions committed before the fault and never touched during it.
        var bystanders = Enumerable.Range(100, Bystanders).Select(i => new FaultClient(i, http, clock, LatencyBound, fault.MayLoseAcknowledged)).ToList();
        var clients = Enumerable.Range(1, Clients).Select(i => new FaultClient(i, http, clock, LatencyBound, fault.MayLoseAcknowledged)).ToList();
        foreach (var client in bystanders.Concat(clients))
        {
            await EstablishAsync(client);
        }

        established?.Invoke(clients.Select(c => c.CookieValue!).ToList());

        using var stop = new CancellationTokenSource();
        var loops = clients.Select(c => LoopAsync(c, stop.Token)).ToList();
        await Task.Delay(Warmup);

        await fault.Inject();
        var injectedAt = clock.Elapsed;
        await Task.Delay(window);
        var restoringAt = clock.Elapsed;
        await fault.Restore();
        var backAt = clock.Elapsed;

        var deadline = backAt + RecoveryDeadline;
        while (clock.Elapsed < deadline && !clients.All(c => c.SucceededSince(backAt)))
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        // Final reads through the pipeline: every session still there, with its owner and its value. A read that times
        // out (503) on a loaded machine is asked again; a session that is gone never answers 200.
        var final = new Dictionary<FaultClient, int?>();
        foreach (var client in clients.Concat(bystanders))
        {
            var read = await client.SendAsync(write: false);
            for (var attempt = 0; attempt < 10 && read.Status is 503 or 0; attempt++)
            {
                await Task.Delay(200);
                read = await client.SendAsync(write: false);
            }

            final[client] = read.Status == 200 ? read.Value : null;
        }

        var result = FaultResult.From(fault, clients, bystanders, final, injectedAt, restoringAt, backAt);
        var row = result.Row();
        output.WriteLine(FaultResult.Header);
        output.WriteLine(row);
        foreach (var violation in result.Violations.Take(20))
        {
            output.WriteLine(violation);
        }

        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path)
        {
            await File.AppendAllTextAsync(path, row + Environment.NewLine, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }

        return result;
    }

    private static async Task EstablishAsync(FaultClient client)
    {
        for (var attempt = 0; attempt < 20 && !client.HasSession; attempt++)
        {
            await client.SendAsync(write: true);
        }

        if (!client.HasSession)
        {
            throw new InvalidOperationException($"client {client.Owner} could not create its session before the fault: {string.Join("; ", client.Violations)}");
        }
    }

    private static async Task LoopAsync(FaultClient client, CancellationToken stop)
    {
        var write = true;
        while (!stop.IsCancellationRequested)
        {
            var exchange = client.SendAsync(write);
            await exchange;
            write = !write;

            // A short pause keeps six clients from saturating two cores with instant 503s.
            await Task.Delay(15, CancellationToken.None);
        }
    }
}

/// <summary>What one fault run saw.</summary>
internal sealed class FaultResult
{
    public const string Header =
        "| store | fault | requests during fault | max latency during fault | acknowledged → stored (unacknowledged writes; no response; acknowledged lost) | first success after store back | all clients healthy after |";

    private FaultResult(Fault fault)
    {
        Fault = fault;
    }

    public Fault Fault { get; }

    public List<string> Violations { get; } = [];

    /// <summary>Requests wholly inside the fault: started after it took effect, ended before it was undone.</summary>
    public IReadOnlyList<Exchange> DuringFault { get; private set; } = [];

    /// <summary>Requests that started while the fault was in effect, whenever they ended.</summary>
    public IReadOnlyList<Exchange> StartedDuringFault { get; private set; } = [];

    /// <summary>When the fault began to be undone (run clock).</summary>
    public TimeSpan RestoringAt { get; private set; }

    public TimeSpan MaxLatencyDuringFault { get; private set; }

    public int Acknowledged { get; private set; }

    public int Stored { get; private set; }

    public int Unacknowledged { get; private set; }

    public int NoResponse { get; private set; }

    /// <summary>Acknowledged writes found undone (only where <see cref="Fault.MayLoseAcknowledged"/>; otherwise each is a violation).</summary>
    public int LostAcknowledged { get; private set; }

    public TimeSpan? FirstSuccess { get; private set; }

    public TimeSpan? AllHealthy { get; private set; }

    /// <summary>
    /// For a store slower than the timeout: the requests that started early enough in the fault that,
    /// failing at the timeout (two store calls at most, plus a second of slack), they end before the store
    /// is back. Each of them must have ended before then; one that waited for the store ends after.
    /// </summary>
    public IReadOnlyList<Exchange> ThatMustNotWaitForTheStore
        => StartedDuringFault.Where(e => e.Start < RestoringAt - (2 * FaultRun.StoreTimeout) - TimeSpan.FromSeconds(1)).ToList();

    // Writes that started while the fault was in effect and were answered 503, whenever the answer came: under load a
    // request can take two store timeouts, and clients that alternate write and read in step may all be reading in the
    // window's whole requests (seen once in CI: only reads completed inside the window).
    public int FailedWritesDuringFault => StartedDuringFault.Count(e => e.Write && e.Status == 503);

    public static FaultResult From(
        Fault fault, IReadOnlyList<FaultClient> clients, IReadOnlyList<FaultClient> bystanders, IReadOnlyDictionary<FaultClient, int?> final,
        TimeSpan injectedAt, TimeSpan restoringAt, TimeSpan backAt)
    {
        var result = new FaultResult(fault);
        var all = clients.SelectMany(c => c.Exchanges).ToList();

        // Requests wholly inside the fault: started after it was in effect, ended before it was undone.
        result.DuringFault = all.Where(e => e.Start >= injectedAt && e.End <= restoringAt).ToList();
        result.StartedDuringFault = all.Where(e => e.Start >= injectedAt && e.Start < restoringAt).ToList();
        result.RestoringAt = restoringAt;
        result.MaxLatencyDuringFault = result.StartedDuringFault.Count == 0 ? TimeSpan.Zero : result.StartedDuringFault.Max(e => e.Latency);
        foreach (var e in result.DuringFault.Where(e => e.Status == 200 && !fault.PartialOutage && (e.Write || !fault.ReadsMayPass)))
        {
            result.Violations.Add($"client c{e.Client}: a {(e.Write ? "write" : "read")} during the fault was answered 200");
        }

        if (result.FailedWritesDuringFault == 0)
        {
            result.Violations.Add("no write failed with 503 during the fault: the fault did not take effect");
        }

        var afterBack = all.Where(e => e.Start >= backAt && e.Status == 200).ToList();
        result.FirstSuccess = afterBack.Count == 0 ? null : afterBack.Min(e => e.End) - backAt;
        var perClient = clients.Select(c => afterBack.Where(e => e.Client == c.Id).Select(e => (TimeSpan?)e.End).Min()).ToList();
        result.AllHealthy = perClient.Any(t => t is null) ? null : perClient.Max() - backAt;
        if (result.AllHealthy is null)
        {
            result.Violations.Add("the service did not recover by itself for every client after the store came back");
        }

        foreach (var client in clients.Concat(bystanders))
        {
            result.Violations.AddRange(client.Violations);
            var stored = final[client];
            if (stored is null)
            {
                result.Violations.Add($"client {client.Owner}: its session could not be read after recovery");
                continue;
            }

            var lostAtTheEnd = 0;
            if (stored < client.LastAcknowledged && fault.MayLoseAcknowledged)
            {
                lostAtTheEnd = client.LastAcknowledged - stored.Value;
            }
            else if (stored < client.LastAcknowledged || stored > client.LastAcknowledged + client.UnacknowledgedSinceLast)
            {
                result.Violations.Add($"client {client.Owner}: stored {stored}, acknowledged {client.LastAcknowledged} (+{client.UnacknowledgedSinceLast} unacknowledged)");
            }

            result.LostAcknowledged += client.LostAcknowledged + lostAtTheEnd;
            result.Acknowledged += client.LastAcknowledged + client.LostAcknowledged;
            result.Stored += stored.Value;
            result.Unacknowledged += client.UnacknowledgedWrites;
            result.NoResponse += client.NoResponse;
        }

        return result;
    }

    public string Row()
    {
        var statuses = string.Join(", ", DuringFault
            .GroupBy(e => (e.Write, e.Status))
            .OrderBy(g => g.Key.Write ? 0 : 1).ThenBy(g => g.Key.Status)
            .Select(g => $"{(g.Key.Write ? "write" : "read")} {(g.Key.Status == 0 ? "no response" : g.Key.Status.ToString(CultureInfo.InvariantCulture))} ×{g.Count()}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Fault.Store} | {Fault.Description} | {statuses} | {MaxLatencyDuringFault.TotalMilliseconds:F0} ms | {Acknowledged} → {Stored} ({Unacknowledged}; {NoResponse}; {LostAcknowledged}) | {Ms(FirstSuccess)} | {Ms(AllHealthy)} |");
    }

    private static string Ms(TimeSpan? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalMilliseconds:F0} ms") : "never";
}
