namespace TypedSessions.Storage;

/// <summary>
/// Optional: implemented by stores that can describe what they hold — how many sessions, how many of
/// them have expired but are still stored, and how large the live ones are. The <c>typedsessions stats</c>
/// command reads it; the request pipeline never does.
/// </summary>
/// <remarks>
/// Implementations scan the whole store (with SQL aggregates where the backend has them), so call it
/// from tools and dashboards, not per request. What a session's size counts is store-specific — see
/// <see cref="SessionSizeSummary"/> — so compare sizes within one store, not across stores.
/// </remarks>
public interface ISessionStoreStatistics
{
    /// <summary>Counts the stored sessions and summarizes the sizes of the live ones.</summary>
    /// <param name="now">The instant that decides which sessions have expired.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The counts and the size summary.</returns>
    ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
