using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSessions.Core;
using TypedSessions.Storage;

namespace TypedSessions.HealthChecks;

/// <summary>
/// Probes the session store the app selected (<see cref="SelectedSessionStore"/>): its own probe
/// (<see cref="ISessionStoreHealth"/>), else a load of a key no session has. Bounded by a timeout like every store call
/// of the pipeline; a failure, a timeout or a store that cannot even be created becomes the registration's failure
/// status with the reason, never an exception (only the caller's own cancellation propagates).
/// </summary>
internal sealed class SessionStoreHealthCheck(IServiceProvider services, TimeSpan? timeout) : IHealthCheck
{
    // No session id hashes to this (it would take a SHA-256 preimage): a load of it reads nothing of anyone's.
    private static readonly string UnusedKey = new('0', SessionStoreKey.Length);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration.FailureStatus;
        if (services.GetService<SelectedSessionStore>() is not { } selected)
        {
            return new HealthCheckResult(failure, "TypedSessions is not registered (AddTypedSessions()), so there is no session store to probe.");
        }

        var data = new Dictionary<string, object> { ["store"] = selected.Name };
        if (selected.IsEncryptedCookie)
        {
            data["probe"] = "none";
            return HealthCheckResult.Healthy(
                $"Sessions travel in the encrypted cookie ({selected.Name}): nothing is stored on the server, so there is no store to probe.", data);
        }

        ISessionStore store;
        TimeSpan limit;
        try
        {
            store = selected.Store!;
            limit = timeout ?? services.GetRequiredService<SessionEnvironment>().Options.StoreTimeout;
        }
        catch (Exception ex)
        {
            return new HealthCheckResult(failure, $"The session store {selected.Name} could not be created: {ex.Message}", ex, data);
        }

        data["storeType"] = store.GetType().Name;
        data["probe"] = store is ISessionStoreHealth ? "store" : "load";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        try
        {
            // As the pipeline does (SessionCoordinator): WaitAsync bounds a store that ignores its token, and the thread
            // pool hop one whose async methods block their caller (Microsoft.Data.Sqlite waiting on a lock).
            await StoreCall.Start(store, () => ProbeAsync(store, cts.Token)).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is TimeoutException || (ex is OperationCanceledException && cts.IsCancellationRequested)))
        {
            // WaitAsync can give up before the timer cancels the token; the probe is told to stop before the source is disposed.
            await cts.CancelAsync().ConfigureAwait(false);
            return new HealthCheckResult(failure, $"The session store {selected.Name} did not answer its health probe within {limit}.", ex, data);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failure, $"The session store {selected.Name} failed its health probe: {ex.Message}", ex, data);
        }

        return HealthCheckResult.Healthy(
            store is ISessionStoreHealth
                ? $"The session store {selected.Name} answered its health probe."
                : $"The session store {selected.Name} answered a load (it has no health probe of its own, ISessionStoreHealth).",
            data);
    }

    private async Task ProbeAsync(ISessionStore store, CancellationToken cancellationToken)
    {
        if (store is ISessionStoreHealth health)
        {
            await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = services.GetRequiredService<SessionEnvironment>().Now;
        await store.LoadAsync(UnusedKey, new SessionLoadRequest(now, TouchThreshold: null), cancellationToken).ConfigureAwait(false);
    }
}
