using System.Diagnostics;
using System.Diagnostics.Metrics;
using static TypedSessions.TypedSessionsTelemetry;

namespace TypedSessions.Diagnostics;

/// <summary>The <see cref="TypedSessionsTelemetry.MeterName"/> meter's instruments and the activity source; names in <see cref="TypedSessionsTelemetry"/>.</summary>
internal sealed class SessionMetrics
{
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Counter<long> _operations;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _cleanupDeleted;
    private readonly Counter<long> _unavailable;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _sessionSize;

    public SessionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _operations = meter.CreateCounter<long>(Instruments.StoreOperations, "{operation}", "Store calls, by store, operation and outcome (error.type on failures).");
        _duration = meter.CreateHistogram(
            Instruments.StoreOperationDuration,
            "s",
            "Duration of store calls, by store, operation and outcome (error.type on failures).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StoreOperationDurationBuckets });
        _conflicts = meter.CreateCounter<long>(Instruments.Conflicts, "{commit}", "Commits refused because another request got there first, by reason: conflict (a read-modify-write value changed), interrupted (the session was cycled, flushed, revoked or expired), superseded (the request carried a tombstoned id).");
        _cleanupDeleted = meter.CreateCounter<long>(Instruments.CleanupDeleted, "{session}", "Expired sessions deleted by the cleanup service.");
        _unavailable = meter.CreateCounter<long>(Instruments.Unavailable, "{request}", "Requests answered 503 because the store failed.");
        _sessionSize = meter.CreateHistogram(
            Instruments.SessionSize,
            "By",
            "Size of sessions written (UTF-8 keys plus encoded values).",
            tags: null,
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SessionSizeBuckets });
    }

    /// <summary>Records one store call: counted, timed, and tagged with <c>error.type</c> when it failed.</summary>
    public void Operation(string store, string operation, string outcome, string? errorType, double seconds)
    {
        var tags = new TagList
        {
            { Attributes.Store, store },
            { Attributes.Operation, operation },
            { Attributes.Outcome, outcome },
        };
        if (errorType is not null)
        {
            tags.Add(Attributes.ErrorType, errorType);
        }

        _operations.Add(1, tags);
        _duration.Record(seconds, tags);
    }

    public void Conflict(string reason) => _conflicts.Add(1, new KeyValuePair<string, object?>(Attributes.ConflictReason, reason));

    public void CleanupDeleted(long count) => _cleanupDeleted.Add(count);

    public void Unavailable() => _unavailable.Add(1);

    public void PayloadSize(long bytes) => _sessionSize.Record(bytes);

    /// <summary>Starts a store call's span (<see cref="ActivityKind.Client"/>), named and tagged as docs/observability.md lists.</summary>
    public static Activity? StartStoreSpan(string store, string operation)
    {
        var activity = ActivitySource.StartActivity(Spans.Prefix + operation, ActivityKind.Client);
        activity?.SetTag(Attributes.Store, store);
        activity?.SetTag(Attributes.Operation, operation);
        return activity;
    }

    /// <summary>Marks a span failed: status Error and <c>error.type</c>.</summary>
    public static void Fail(Activity? activity, string errorType, string? description = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, description ?? errorType);
        activity.SetTag(Attributes.ErrorType, errorType);
    }

    /// <summary>The <c>error.type</c> of an exception: its full type name (low cardinality, as OpenTelemetry advises).</summary>
    public static string ErrorTypeOf(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;
}
