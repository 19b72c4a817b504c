namespace TypedSessions.Storage;

/// <summary>
/// Where sessions live. Implement this to add a backend; run the store conformance kit on it.
/// </summary>
/// <remarks>
/// <para>Every <c>key</c> is the SHA-256 hash of a session id (64 lowercase hex characters); a store
/// never sees a raw id. A record whose <see cref="SessionLifetime.ExpiresAt"/> has passed is treated
/// as absent by every operation.</para>
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
    /// whatever another writer stored meanwhile.
    /// </summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the session no longer exists (deleted or expired); it is not recreated.</returns>
    ValueTask<bool> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default);

    /// <summary>Slides a session's expiry when due (see <see cref="SessionLifetime.Touch"/>).</summary>
    /// <param name="key">The hashed session id.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="threshold">The share of the idle window the expiry must move by.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the stored expiry moved.</returns>
    ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session.</summary>
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
