using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace TypedSessions.Faults.Tests;

/// <summary>One request and what came back. <see cref="Status"/> 0: no response (the connection failed or the client gave up).</summary>
internal sealed record Exchange(int Client, bool Write, TimeSpan Start, TimeSpan End, int Status, bool RetryAfter, int? Value)
{
    public TimeSpan Latency => End - Start;
}

/// <summary>
/// A browser-like client with its own session: increments its counter and reads it back, and checks
/// each answer against what it was acknowledged so far. A write answered with anything but 200 is
/// ambiguous (it may still have been stored), so the value a client may see lies between its last
/// acknowledged value and that plus its unacknowledged writes since; lower means an acknowledged
/// write was lost or overwritten, a missing owner means the session was replaced by an empty one.
/// </summary>
/// <remarks>
/// Where the fault may lose acknowledged writes by design (<c>mayLoseAcknowledged</c>: a failover onto an asynchronous
/// replica), an answer below the floor is counted in <see cref="LostAcknowledged"/> and the client goes on from the value
/// it saw; every other check stays.
/// </remarks>
internal sealed class FaultClient(int id, HttpClient http, Stopwatch clock, TimeSpan latencyBound, bool mayLoseAcknowledged = false)
{
    private readonly List<string> _violations = [];
    private readonly List<Exchange> _exchanges = [];
    private string? _cookie;

    public int Id { get; } = id;

    public string Owner => "c" + Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value of the last write answered 200.</summary>
    public int LastAcknowledged { get; private set; }

    /// <summary>Writes not answered 200 since <see cref="LastAcknowledged"/>: each may or may not be stored.</summary>
    public int UnacknowledgedSinceLast { get; private set; }

    /// <summary>The highest value seen so far; a later answer below it means a write was undone.</summary>
    public int HighestSeen { get; private set; }

    public int UnacknowledgedWrites { get; private set; }

    public int NoResponse { get; private set; }

    /// <summary>Acknowledged increments found undone (counted only when the fault may lose them).</summary>
    public int LostAcknowledged { get; private set; }

    /// <summary>The session cookie's value, once the session exists.</summary>
    public string? CookieValue => _cookie?[(_cookie.IndexOf('=', StringComparison.Ordinal) + 1)..];

    public IReadOnlyList<Exchange> Exchanges => _exchanges;

    public IReadOnlyList<string> Violations => _violations;

    public bool HasSession => _cookie is not null;

    /// <summary>Whether a request that started at or after <paramref name="since"/> was answered 200 (safe while the client runs).</summary>
    public bool SucceededSince(TimeSpan since)
    {
        lock (_exchanges)
        {
            return _exchanges.Any(e => e.Status == 200 && e.Start >= since);
        }
    }

    public async Task<Exchange> SendAsync(bool write)
    {
        using var request = new HttpRequestMessage(write ? HttpMethod.Post : HttpMethod.Get, write ? "/c?owner=" + Owner : "/c");
        if (_cookie is not null)
        {
            request.Headers.Add("Cookie", _cookie);
        }

        var start = clock.Elapsed;
        Exchange exchange;
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            exchange = new Exchange(Id, write, start, clock.Elapsed, (int)response.StatusCode, response.Headers.RetryAfter is not null, null);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                exchange = exchange with { Value = Check(write, body, response) };
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            exchange = new Exchange(Id, write, start, clock.Elapsed, 0, false, null);
        }

        Record(exchange);
        return exchange;
    }

    private int? Check(bool write, string body, HttpResponseMessage response)
    {
        var parts = body.Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            Violate($"unreadable answer '{body}'");
            return null;
        }

        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.First().Split(';')[0] : null;
        if (_cookie is null)
        {
            // The first write creates the session: "- 1" and its cookie.
            if (!write || parts[0] != "-" || value != 1 || setCookie is null)
            {
                Violate($"first answer '{body}' did not create a session");
                return null;
            }

            _cookie = setCookie;
            LastAcknowledged = HighestSeen = 1;
            return value;
        }

        if (setCookie is not null && setCookie != _cookie)
        {
            Violate("a new session id was issued mid-run (the session was lost)");
        }

        if (parts[0] != Owner)
        {
            Violate($"answer '{body}': the session was replaced by an empty one");
        }

        var floor = write ? HighestSeen + 1 : HighestSeen;
        var ceiling = LastAcknowledged + UnacknowledgedSinceLast + (write ? 1 : 0);
        if (value < floor && mayLoseAcknowledged)
        {
            // Writes the store had acknowledged are gone (the replica that took over never got them). Count what was
            // acknowledged among them, and go on from what the store holds now.
            LostAcknowledged += Math.Max(0, Math.Min(LastAcknowledged, floor - (write ? 1 : 0)) - (value - (write ? 1 : 0)));
            HighestSeen = value;
            LastAcknowledged = value - (write ? 1 : 0);
            UnacknowledgedSinceLast = 0;
        }
        else if (value < floor || value > ceiling)
        {
            Violate($"{(write ? "write" : "read")} answered {value}, expected {floor}..{ceiling} (acknowledged {LastAcknowledged}, unacknowledged since {UnacknowledgedSinceLast})");
        }

        HighestSeen = Math.Max(HighestSeen, value);
        if (write)
        {
            LastAcknowledged = value;
            UnacknowledgedSinceLast = 0;
        }

        return value;
    }

    private void Record(Exchange exchange)
    {
        lock (_exchanges)
        {
            _exchanges.Add(exchange);
        }

        if (exchange.Latency > latencyBound)
        {
            Violate($"a request took {exchange.Latency.TotalMilliseconds:F0} ms (bound {latencyBound.TotalMilliseconds:F0} ms)");
        }

        if (exchange.Status == 0)
        {
            NoResponse++;
        }
        else if (exchange.Status != 200 && !(exchange.RetryAfter && (exchange.Status == 503 || (exchange.Write && exchange.Status == 409))))
        {
            // 409 (conflict detection): a write answered 503 at the timeout may still commit once the store is back; the
            // client's next increment, loaded before that late commit, is then refused instead of overwriting it.
            Violate($"status {exchange.Status}{(exchange.RetryAfter ? string.Empty : " without Retry-After")}, expected 200, 503 with Retry-After, or 409 with Retry-After for a write");
        }

        if (exchange.Write && exchange.Status != 200 && _cookie is not null)
        {
            UnacknowledgedSinceLast++;
            UnacknowledgedWrites++;
        }
    }

    private void Violate(string message) => _violations.Add($"client {Owner} at {clock.Elapsed.TotalMilliseconds:F0} ms: {message}");
}
