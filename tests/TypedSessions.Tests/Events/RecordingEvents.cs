using System.Collections.Concurrent;

namespace TypedSessions.Tests.Events;

/// <summary>Records every session event it is given, in order (thread-safe).</summary>
internal sealed class RecordingEvents : ISessionEvents
{
    private readonly ConcurrentQueue<object> _events = new();

    public IReadOnlyList<object> All => [.. _events];

    public IReadOnlyList<T> Of<T>() => [.. _events.OfType<T>()];

    public void Clear() => _events.Clear();

    /// <summary>Every handle any recorded event carried, as text.</summary>
    public IEnumerable<string> Handles() => _events.SelectMany(e => e switch
    {
        SessionCreatedContext c => [c.Handle.ToString()],
        SessionIdCycledContext c => [c.OldHandle.ToString(), c.NewHandle.ToString()],
        SessionFlushedContext c => [c.Handle.ToString()],
        SessionExpiredContext { Handle: { } h } => [h.ToString()],
        _ => Array.Empty<string>(),
    });

    public ValueTask OnCreatedAsync(SessionCreatedContext context, CancellationToken cancellationToken) => Record(context);

    public ValueTask OnIdCycledAsync(SessionIdCycledContext context, CancellationToken cancellationToken) => Record(context);

    public ValueTask OnFlushedAsync(SessionFlushedContext context, CancellationToken cancellationToken) => Record(context);

    public ValueTask OnRevokedAsync(SessionsRevokedContext context, CancellationToken cancellationToken) => Record(context);

    public ValueTask OnExpiredAsync(SessionExpiredContext context, CancellationToken cancellationToken) => Record(context);

    private ValueTask Record(object context)
    {
        _events.Enqueue(context);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Throws from every event: synchronously, or from an awaited continuation.</summary>
internal sealed class ThrowingEvents(bool async) : ISessionEvents
{
    public ValueTask OnCreatedAsync(SessionCreatedContext context, CancellationToken cancellationToken) => Fail();

    public ValueTask OnIdCycledAsync(SessionIdCycledContext context, CancellationToken cancellationToken) => Fail();

    public ValueTask OnFlushedAsync(SessionFlushedContext context, CancellationToken cancellationToken) => Fail();

    public ValueTask OnRevokedAsync(SessionsRevokedContext context, CancellationToken cancellationToken) => Fail();

    public ValueTask OnExpiredAsync(SessionExpiredContext context, CancellationToken cancellationToken) => Fail();

    private ValueTask Fail() => async ? FailLaterAsync() : throw new InvalidOperationException("handler failed");

    private static async ValueTask FailLaterAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException("handler failed");
    }
}

/// <summary>Implements nothing: every event takes the interface's default (does nothing).</summary>
internal sealed class NoOpEvents : ISessionEvents;
