namespace TypedSessions.Storage;

/// <summary>
/// The loop of a store whose <see cref="ISessionStore.DeleteExpiredAsync"/> counts the expired sessions, then deletes
/// them a batch at a time with one query each (SQLite, PostgreSQL), so that no transaction or lock is long and a
/// cancelled run stops between batches.
/// </summary>
public static class SessionCleanup
{
    /// <summary>
    /// Counts the expired sessions and reports <c>(0, total)</c>, then runs <paramref name="deleteBatch"/> until it deletes
    /// nothing, reporting the running count after each batch (its total never below what was deleted: sessions can
    /// expire during the run). The token is checked before each batch.
    /// </summary>
    /// <param name="countExpired">Counts the sessions expired now (for <see cref="SessionCleanupProgress.Total"/>).</param>
    /// <param name="deleteBatch">Deletes one batch of expired sessions and returns how many it deleted; 0 ends the run.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between batches.</param>
    /// <returns>How many sessions were deleted.</returns>
    public static async ValueTask<long> DeleteInBatchesAsync(
        Func<CancellationToken, Task<long>> countExpired,
        Func<CancellationToken, Task<int>> deleteBatch,
        IProgress<SessionCleanupProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(countExpired);
        ArgumentNullException.ThrowIfNull(deleteBatch);
        var total = await countExpired(cancellationToken).ConfigureAwait(false);
        progress?.Report(new SessionCleanupProgress(0, total));
        long deleted = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = await deleteBatch(cancellationToken).ConfigureAwait(false);
            if (batch <= 0)
            {
                return deleted;
            }

            deleted += batch;
            progress?.Report(new SessionCleanupProgress(deleted, Math.Max(total, deleted)));
        }
    }
}
