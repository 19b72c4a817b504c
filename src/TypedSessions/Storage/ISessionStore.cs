namespace TypedSessions.Storage;

/// <summary>
/// Where sessions live. Implement this to add a backend; run the store conformance kit on it.
/// </summary>
/// <remarks>
/// <para>Every <c>key</c> is the SHA-256 hash of a session id (64 lowercase hex characters, <see cref="SessionStoreKey"/>);
/// a store never sees a raw id. A record whose <see cref="SessionLifetime.ExpiresAt"/> has passed is treated
/// as absent by every operation.</para>
/// <para>A <em>tombstone</em> is what <see cref="CycleAsync"/> and <see cref="EndAsync"/> leave under the old key
/// until the instant they are given: it holds no data and no pointer to any other key, loads as
/// <see cref="SessionLoadResult.Superseded"/>, is never touched, saved, cycled or revived, makes
/// <see cref="CreateAsync"/> return <see langword="false"/>, and is removed by <see cref="DeleteAsync"/> and, once
/// past its instant, by <see cref="DeleteExpiredAsync"/>. It lets the pipeline tell a request that raced a
/// cycle or flush (answered as interrupted) from a new visitor.</para>
/// <para>Stores report failures by throwing (any exception, or <see cref="SessionStoreException"/>);
/// the pipeline bounds each call with a timeout and never turns a failed load into an empty session.</para>
/// </remarks>
public interface ISessionStore
{
    /// <summary>What this store guarantees.</summary>
    SessionStoreCapabilities Capabilities { get; }

    /// <summary>
    /// Loads a session and, when <see cref="SessionLoadRequest.TouchThreshold"/> is given and a touch
    /// is due (<see cref="SessionLifetime.Touch"/>), slides its expiry in the same call.
    /// </summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="request">The current instant and touch policy.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record (after any touch) and whether it was touched; <see cref="SessionLoadResult.NotFound"/> when absent or expired.</returns>
    ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stores a new session unless the key exists already.</summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when a live session with that key exists (nothing written).</returns>
    ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a change set to the stored session atomically, per key
    /// (<see cref="SessionRecord.Apply"/> semantics): keys this change set does not name keep
    /// whatever another writer stored meanwhile. When a key of <see cref="SessionChangeSet.ExpectedValues"/>
    /// holds another value than expected (<see cref="SessionChangeSet.FindConflict"/>), nothing is written.
    /// </summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see cref="SessionWriteOutcome.Applied"/>; <see cref="SessionWriteOutcome.NotFound"/> when the session no longer
    /// exists (it is not recreated); <see cref="SessionWriteOutcome.Superseded"/> for a tombstone;
    /// <see cref="SessionWriteOutcome.Conflict"/> when an expected value changed; <see cref="SessionWriteOutcome.TooLarge"/>
    /// when the merged session would hold more keys than the store loads (its <see cref="SessionEnvelopeLimits.MaxKeys"/>,
    /// counted on what is stored now: requests that each add keys must not together make the session unreadable).
    /// </returns>
    ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a stored session a new key in one atomic operation: the record stored under <paramref name="key"/>
    /// <em>now</em> (with every write other requests committed meanwhile), with <paramref name="changes"/> applied as
    /// <see cref="SaveAsync"/> would, is written under <paramref name="newKey"/>, and <paramref name="key"/> is replaced
    /// by a tombstone until <paramref name="tombstoneExpiresAt"/>. The user index follows the new key.
    /// </summary>
    /// <param name="key">The hashed id the session has now.</param>
    /// <param name="newKey">The hashed new id (fresh: nothing is stored under it).</param>
    /// <param name="changes">This request's changes, applied to the moved record.</param>
    /// <param name="tombstoneExpiresAt">When the tombstone under <paramref name="key"/> ends.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>As <see cref="SaveAsync"/>; anything but <see cref="SessionWriteOutcome.Applied"/> wrote nothing under either key.</returns>
    ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a session (Django's <c>flush</c>): a live record is replaced by a tombstone until
    /// <paramref name="tombstoneExpiresAt"/>, in one atomic operation.
    /// </summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="now">The current instant (a record expired at it is not live).</param>
    /// <param name="tombstoneExpiresAt">When the tombstone ends.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see cref="SessionWriteOutcome.Applied"/> when a live session was ended; <see cref="SessionWriteOutcome.NotFound"/>
    /// when there was none (nothing written); <see cref="SessionWriteOutcome.Superseded"/> when the key already holds a
    /// tombstone (left as it is).
    /// </returns>
    ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default);

    /// <summary>Slides a session's expiry when due (see <see cref="SessionLifetime.Touch"/>).</summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="threshold">The share of the idle window the expiry must move by.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the stored expiry moved.</returns>
    ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session or a tombstone outright (administration and cleanup; the pipeline ends sessions with <see cref="EndAsync"/>).</summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when something was deleted.</returns>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes every session expired at <paramref name="now"/> (Django's <c>clearsessions</c>).</summary>
    /// <param name="now">The current instant.</param>
    /// <param name="progress">Receives progress as batches complete; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between batches; what was deleted stays deleted.</param>
    /// <returns>How many sessions were deleted.</returns>
    ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default);
}
