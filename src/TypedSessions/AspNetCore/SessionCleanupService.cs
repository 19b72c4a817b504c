using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSessions.Diagnostics;
using TypedSessions.Storage;

namespace TypedSessions.AspNetCore;

/// <summary>
/// Deletes expired sessions every <see cref="TypedSessionOptions.CleanupInterval"/>, for stores that
/// do not expire records themselves (no <see cref="SessionStoreCapabilities.NativeExpiry"/>) and keep them
/// on the server (not with the encrypted cookie). A pass that deleted any raises <see cref="ISessionEvents.OnExpiredAsync"/>
/// once, with the count (the store's cleanup returns no keys).
/// </summary>
internal sealed class SessionCleanupService(
    SelectedSessionStore selected,
    IOptions<TypedSessionOptions> options,
    TimeProvider time,
    SessionMetrics metrics,
    ILogger<SessionCleanupService> logger,
    IEnumerable<ISessionEvents> events) : BackgroundService
{
    // Not the coordinator's: resolving that needs a server-side store, and this service exists with the encrypted cookie too.
    private readonly SessionEventDispatcher _events = new(events, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CleanupInterval;
        if (interval <= TimeSpan.Zero || selected.Store is not { } store || (store.Capabilities & SessionStoreCapabilities.NativeExpiry) != 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown.
        }
    }

    /// <summary>One cleanup pass; failures are logged, never thrown, so the next pass still runs.</summary>
    internal async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await selected.Store!.DeleteExpiredAsync(time.GetUtcNow(), null, cancellationToken).ConfigureAwait(false);
            metrics.CleanupDeleted(deleted);
            SessionLog.CleanupCompleted(logger, deleted);
            await _events.CleanedUpAsync(deleted, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SessionLog.CleanupFailed(logger, ex);
            return 0;
        }
    }
}
