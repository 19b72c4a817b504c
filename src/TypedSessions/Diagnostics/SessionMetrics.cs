using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TypedSessions.Diagnostics;

/// <summary>The <c>TypedSessions</c> meter and activity source.</summary>
internal sealed class SessionMetrics
{
    /// <summary>Name of the meter and of the activity source.</summary>
    public const string Name = "TypedSessions";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _operations;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _cleanupDeleted;
    private readonly Counter<long> _unavailable;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _payloadSize;

    public SessionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _operations = meter.CreateCounter<long>("typedsessions.store.operations", "{operation}", "Store calls, by operation (load, create, save, delete, cleanup) and outcome.");
        _conflicts = meter.CreateCounter<long>("typedsessions.conflicts", "{commit}", "Commits refused because another request got there first, by reason: conflict (a read-modify-write key changed), interrupted (the session was cycled, flushed, revoked or expired), superseded (the request carried a tombstoned id).");
        _cleanupDeleted = meter.CreateCounter<long>("typedsessions.cleanup.deleted", "{session}", "Expired sessions deleted by cleanup.");
        _unavailable = meter.CreateCounter<long>("typedsessions.unavailable", "{request}", "Requests answered 503 because the store failed.");
        _duration = meter.CreateHistogram<double>("typedsessions.store.duration", "s", "Duration of store calls.");
        _payloadSize = meter.CreateHistogram<long>("typedsessions.payload.size", "By", "Size of saved sessions (keys plus values).");
    }

    public void Operation(string operation, string outcome, double seconds)
    {
        var op = new KeyValuePair<string, object?>("operation", operation);
        _operations.Add(1, op, new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(seconds, op);
    }

    public void Conflict(string reason) => _conflicts.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void CleanupDeleted(long count) => _cleanupDeleted.Add(count);

    public void Unavailable() => _unavailable.Add(1);

    public void PayloadSize(long bytes) => _payloadSize.Record(bytes);
}
