namespace TypedSessions.Storage;

/// <summary>What a store holds at one instant (<see cref="ISessionStoreStatistics.GetStatisticsAsync"/>).</summary>
/// <param name="Live">Sessions that have not expired.</param>
/// <param name="Expired">Sessions that have expired but are still stored (what <see cref="ISessionStore.DeleteExpiredAsync"/> would delete).</param>
/// <param name="Sizes">Sizes of the live sessions.</param>
public sealed record SessionStoreStatistics(long Live, long Expired, SessionSizeSummary Sizes)
{
    /// <summary>Every stored session, live and expired.</summary>
    public long Total => Live + Expired;
}
