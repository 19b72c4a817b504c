using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Tests.Integration;

/// <summary>
/// A real <see cref="MeterListener"/> and <see cref="ActivityListener"/> on one test app: measurements of the app's own
/// <c>TypedSessions</c> meter (its <see cref="IMeterFactory"/> is the meter's scope) and the spans of requests sent
/// with this capture's trace id (<see cref="CreateClient"/> sends a <c>traceparent</c>), so tests running in parallel
/// do not see each other's telemetry.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly ActivityTraceId _traceId = ActivityTraceId.CreateRandom();

    public TelemetryCapture(TestApp app)
        : this(app.Services, app.Server)
    {
    }

    public TelemetryCapture(IServiceProvider services, Microsoft.AspNetCore.TestHost.TestServer server)
    {
        _server = server;
        var factory = services.GetRequiredService<IMeterFactory>();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TypedSessionsTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                Instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();

        // Listening to ASP.NET Core's source makes hosting start a request span parented to the traceparent sent.
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is TypedSessionsTelemetry.ActivitySourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == _traceId && a.Source.Name == TypedSessionsTelemetry.ActivitySourceName)
                {
                    Spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    private readonly Microsoft.AspNetCore.TestHost.TestServer _server;

    public ConcurrentDictionary<string, Instrument> Instruments { get; } = new();

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public SessionClient CreateClient()
    {
        var http = _server.CreateClient();
        http.DefaultRequestHeaders.Add("traceparent", $"00-{_traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return new SessionClient(http);
    }

    public IReadOnlyList<Measurement> Of(string instrument) => Measurements.Where(m => m.Instrument == instrument).ToList();

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
        => Measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    internal sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
    {
        public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value as string : null;
    }
}
