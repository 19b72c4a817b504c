using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSessions.HealthChecks;
using TypedSessions.Storage;

namespace TypedSessions;

/// <summary>Adds the TypedSessions health check.</summary>
public static class TypedSessionsHealthChecksBuilderExtensions
{
    /// <summary>The name the check is registered under unless another is given.</summary>
    public const string DefaultName = "typedsessions-store";

    /// <summary>
    /// Adds a health check of the session store the app selected (<see cref="SelectedSessionStore"/>): a store that
    /// implements <see cref="ISessionStoreHealth"/> runs its own probe (Redis <c>PING</c>, a trivial SQL query, a
    /// writable folder; the in-memory store is always healthy), any other store answers a load of a key no session
    /// has. The probe is bounded by <paramref name="timeout"/>. It reads, writes and extends no session. With the
    /// encrypted cookie (<c>TypedSessions:Store=Cookie</c>) nothing is stored on the server: the check is healthy and
    /// says so. The result's data names the store (<c>store</c>, <c>storeType</c>, <c>probe</c>).
    /// </summary>
    /// <remarks>
    /// A failed probe, a timeout or a store that cannot be created reports <paramref name="failureStatus"/> with the reason
    /// in the description and the exception; the check never throws. Map the endpoint with <c>WithoutSession()</c> so
    /// that it sets no cookie and loads no session: <c>app.MapHealthChecks("/health").WithoutSession()</c>.
    /// </remarks>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">What an unusable store reports; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter the check by (e.g. <c>ready</c>).</param>
    /// <param name="timeout">How long the probe may take; <see langword="null"/> for <see cref="TypedSessionOptions.StoreTimeout"/>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddTypedSessionsStore(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (timeout is { } limit && limit <= TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "The health probe's timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        return builder.Add(new HealthCheckRegistration(name, services => new SessionStoreHealthCheck(services, timeout), failureStatus, tags));
    }
}
