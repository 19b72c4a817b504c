using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;

namespace TypedSessions;

/// <summary>
/// Raises session events on every registered <see cref="ISessionEvents"/>, in registration order, each awaited; a
/// handler that throws is logged and the next one runs (the operation that raised the event has already succeeded).
/// With no handler registered every method returns a completed task before building anything, so an app without
/// handlers pays nothing. Ids go in, handles come out: no handler ever sees an id.
/// </summary>
internal sealed class SessionEventDispatcher
{
    private readonly ISessionEvents[] _handlers;
    private readonly ILogger _logger;

    public SessionEventDispatcher(IEnumerable<ISessionEvents> handlers, ILogger logger)
    {
        _handlers = [.. handlers];
        _logger = logger;
    }

    /// <summary>No handlers: every event is dropped before it is built.</summary>
    public static SessionEventDispatcher None { get; } = new([], NullLogger.Instance);

    /// <summary>Whether any handler is registered.</summary>
    public bool IsEnabled => _handlers.Length > 0;

    public Task CreatedAsync(SessionId id, string? userKey, DateTimeOffset now)
        => IsEnabled
            ? RaiseAsync(new SessionCreatedContext(Handle(id), userKey, now), nameof(ISessionEvents.OnCreatedAsync), static c => c.Handle, static (h, c, ct) => h.OnCreatedAsync(c, ct), default)
            : Task.CompletedTask;

    public Task IdCycledAsync(SessionId from, SessionId to, string? userKey, DateTimeOffset now)
        => IsEnabled
            ? RaiseAsync(new SessionIdCycledContext(Handle(from), Handle(to), userKey, now), nameof(ISessionEvents.OnIdCycledAsync), static c => c.NewHandle, static (h, c, ct) => h.OnIdCycledAsync(c, ct), default)
            : Task.CompletedTask;

    public Task FlushedAsync(SessionId id, string? userKey, DateTimeOffset now)
        => IsEnabled
            ? RaiseAsync(new SessionFlushedContext(Handle(id), userKey, now), nameof(ISessionEvents.OnFlushedAsync), static c => c.Handle, static (h, c, ct) => h.OnFlushedAsync(c, ct), default)
            : Task.CompletedTask;

    public Task RevokedAsync(string userKey, long count, DateTimeOffset now, CancellationToken cancellationToken)
        => IsEnabled
            ? RaiseAsync(new SessionsRevokedContext(userKey, count, now), nameof(ISessionEvents.OnRevokedAsync), static _ => null, static (h, c, ct) => h.OnRevokedAsync(c, ct), cancellationToken)
            : Task.CompletedTask;

    /// <summary>A presented id named no live session: <paramref name="confirmed"/> when the expired record itself was seen.</summary>
    public Task ExpiredOnRequestAsync(SessionId id, string? userKey, bool confirmed, DateTimeOffset now)
        => IsEnabled
            ? RaiseExpiredAsync(new SessionExpiredContext(SessionExpirySource.Request, Handle(id), userKey, 1, confirmed, now), default)
            : Task.CompletedTask;

    /// <summary>A cleanup pass deleted <paramref name="count"/> expired records; a pass that deleted none raises nothing.</summary>
    public Task CleanedUpAsync(long count, DateTimeOffset now, CancellationToken cancellationToken)
        => IsEnabled && count > 0
            ? RaiseExpiredAsync(new SessionExpiredContext(SessionExpirySource.Cleanup, null, null, count, ExpiryConfirmed: true, now), cancellationToken)
            : Task.CompletedTask;

    private Task RaiseExpiredAsync(SessionExpiredContext context, CancellationToken cancellationToken)
        => RaiseAsync(context, nameof(ISessionEvents.OnExpiredAsync), static c => c.Handle, static (h, c, ct) => h.OnExpiredAsync(c, ct), cancellationToken);

    private static SessionHandle Handle(SessionId id) => SessionHandle.FromStoreKey(id.StoreKey);

    private async Task RaiseAsync<TContext>(
        TContext context,
        string eventName,
        Func<TContext, SessionHandle?> handleOf,
        Func<ISessionEvents, TContext, CancellationToken, ValueTask> raise,
        CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                await raise(handler, context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller gave up (host stopping, request aborted): the remaining handlers are not started.
                return;
            }
            catch (Exception ex)
            {
                SessionLog.EventHandlerFailed(_logger, handler.GetType().FullName ?? handler.GetType().Name, eventName, handleOf(context)?.ToString() ?? "-", ex);
            }
        }
    }
}
