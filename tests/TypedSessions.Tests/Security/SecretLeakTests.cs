using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Security;

/// <summary>
/// Raw session ids never leave the cookie: a scripted lifecycle (create, read, login/cycle, expiry
/// change, logout/flush, replay, planted and malformed ids, every store operation failing with an
/// exception that quotes its key, a store timeout, corrupt data, an oversized session, a failing
/// endpoint) is run while logs, metric tags, activities (tags, events, status) and every exception
/// and response are captured; no raw id issued or presented — nor its bytes in hex or standard
/// base64 — appears in any of them. (Integration/ObservabilityTests checks logs for the happy path.)
/// </summary>
public sealed class SecretLeakTests
{
    [Fact]
    public async Task No_raw_id_appears_in_logs_metrics_traces_exceptions_or_responses()
    {
        var captured = new ConcurrentQueue<string>();
        using var meters = ListenToMeters(captured);
        using var activities = ListenToActivities(captured);
        var recording = (KeyRecordingStore?)null;
        await using var app = await SecurityEndpoints.StartAsync(
            o =>
            {
                // Long enough that no step but the hanging one can time out on a loaded machine (a step that did would
                // skip the path it is there for); the hanging step waits it out once.
                o.StoreTimeout = TimeSpan.FromSeconds(3);
                o.MaxSessionSize = 4096;
            },
            _ => recording = new KeyRecordingStore(new Storage.Memory.MemorySessionStore()));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var client = app.CreateClient();

        async Task Step(Func<Task<HttpResponseMessage>> send)
        {
            if (client.Cookie is { } presented)
            {
                ids.Add(presented);
            }

            try
            {
                var response = await send();
                captured.Enqueue(await response.Content.ReadAsStringAsync());
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (!name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                    {
                        captured.Enqueue(name + ": " + string.Join(", ", values));
                    }
                }
            }
#pragma warning disable CA1031 // Every exception that reaches the client is evidence to search.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                captured.Enqueue(ex.ToString());
            }

            if (client.Cookie is { } issued)
            {
                ids.Add(issued);
            }
        }

        // The happy path.
        await Step(() => client.PostAsync("/set?key=cart&value=1"));
        await Step(() => client.GetAsync("/read?key=cart"));
        await Step(() => client.PostAsync("/login?user=alice"));
        var afterLogin = client.Cookie!;
        await Step(() => client.PostAsync("/expiry/relative?seconds=600"));
        await Step(() => client.PostAsync("/logout"));

        // Replays and planted ids.
        client.Cookie = afterLogin;
        await Step(() => client.GetAsync("/whoami"));
        await Step(() => client.PostAsync("/set?key=cart&value=2"));
        app.Time.Advance(TimeSpan.FromSeconds(61)); // past the tombstone: the old id is unknown, the write gets a new one
        await Step(() => client.PostAsync("/set?key=cart&value=2"));
        client.Cookie = SessionId.New().Value;
        await Step(() => client.PostAsync("/set?key=cart&value=3"));
        var live = client.Cookie!;
        client.Cookie = live + "x";
        await Step(() => client.GetAsync("/whoami"));
        client.Cookie = live;

        // Every store operation fails, with the key in the store's own exception message.
        foreach (var (operation, path) in new[] { ("load", "/whoami"), ("save", "/set?key=cart&value=4"), ("cycle", "/login?user=bob"), ("end", "/logout") })
        {
            await Step(() => client.PostAsync("/set?key=warm&value=1"));
            recording!.FailOn = operation;
            await Step(() => path.StartsWith("/whoami", StringComparison.Ordinal) ? client.GetAsync(path) : client.PostAsync(path));
            recording.FailOn = null;
            if (client.Cookie is null)
            {
                await Step(() => client.PostAsync("/set?key=again&value=1"));
            }
        }

        // A successful cycle and flush after the failures: two more ids.
        await Step(() => client.PostAsync("/login?user=dave"));
        await Step(() => client.PostAsync("/logout"));
        await Step(() => client.PostAsync("/set?key=again&value=2"));

        // A save failing after the response started (the connection is aborted).
        recording!.FailOn = "save";
        await Step(() => client.PostAsync("/late-write"));
        await Step(() => client.PostAsync("/set-json?key=late&value=1"));
        recording.FailOn = null;

        // A store that hangs past the timeout, corrupt data, an oversized session, a failing endpoint.
        await Step(() => client.PostAsync("/set?key=warm&value=2"));
        app.Store.HangOn = "load";
        await Step(() => client.GetAsync("/whoami"));
        app.Store.HangOn = null;
        recording.CorruptOnLoad = true;
        await Step(() => client.GetAsync("/whoami"));
        recording.CorruptOnLoad = false;
        await Step(() => client.PostAsync("/set?key=warm&value=3"));
        await Step(() => client.PostAsync("/big?size=10000"));
        await Step(() => client.PostAsync("/throw"));

        foreach (var entry in app.Logs.Entries)
        {
            captured.Enqueue($"{entry.Category} {entry.Id} {entry.Text}");
        }

        // The script did what it says: many ids, every failure path logged, telemetry captured.
        Assert.True(ids.Count >= 8, $"only {ids.Count} ids were issued or presented");
        foreach (var name in new[] { "SessionCreated", "SessionLoaded", "SessionDeleted", "SessionNotFound", "SessionSuperseded", "SessionCycled", "MalformedCookie", "StoreFailed", "StoreTimedOut", "SessionCorrupt", "ServiceUnavailable", "CommitFailedAfterStart" })
        {
            Assert.True(app.Logs.Entries.Any(e => e.Id.Name == name), $"No {name} log entry.");
        }

        Assert.Contains(captured, c => c.StartsWith("metric " + TypedSessionsTelemetry.Instruments.StoreOperations, StringComparison.Ordinal));
        Assert.Contains(captured, c => c.StartsWith("activity " + TypedSessionsTelemetry.Spans.Load, StringComparison.Ordinal));
        Assert.Contains(captured, c => c.Contains("Backend refused", StringComparison.Ordinal));
        Assert.Contains(captured, c => c.Contains(nameof(SessionTooLargeException), StringComparison.Ordinal));

        // Hashes do appear (that is how sessions are correlated); raw ids, in any encoding, never do.
        var all = captured.ToArray();
        foreach (var raw in ids)
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(raw.Length > SessionId.EncodedLength ? raw[..SessionId.EncodedLength] : raw);
            foreach (var form in new[] { raw[..SessionId.EncodedLength], Convert.ToHexString(bytes), Convert.ToHexStringLower(bytes), Convert.ToBase64String(bytes).TrimEnd('=') })
            {
                var leak = all.FirstOrDefault(c => c.Contains(form, StringComparison.Ordinal));
                Assert.True(leak is null, $"a raw id leaked: {leak}");
            }
        }
    }

    private static MeterListener ListenToMeters(ConcurrentQueue<string> captured)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument),
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(captured, i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(captured, i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(captured, i, v, tags));
        listener.Start();
        return listener;
    }

    private static void Record<T>(ConcurrentQueue<string> captured, Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new System.Text.StringBuilder($"metric {instrument.Name} {value}");
        foreach (var (key, tag) in tags)
        {
            text.Append(' ').Append(key).Append('=').Append(tag);
        }

        captured.Enqueue(text.ToString());
    }

    private static ActivityListener ListenToActivities(ConcurrentQueue<string> captured)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                var text = new System.Text.StringBuilder($"activity {a.OperationName} {a.DisplayName} {a.StatusDescription}");
                foreach (var (key, value) in a.TagObjects)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }

                foreach (var e in a.Events)
                {
                    text.Append(" event ").Append(e.Name);
                    foreach (var (key, value) in e.Tags)
                    {
                        text.Append(' ').Append(key).Append('=').Append(value);
                    }
                }

                foreach (var (key, value) in a.Baggage)
                {
                    text.Append(" baggage ").Append(key).Append('=').Append(value);
                }

                captured.Enqueue(text.ToString());
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
