using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TypedSessions.Core;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.AspNetCore;

/// <summary>
/// The backend of every server-side store: runs a session's load and commit as store calls, in the order that keeps
/// "a 2xx means stored" (cycle, save or create, then end), each bounded by <see cref="TypedSessionOptions.StoreTimeout"/>,
/// traced, measured and logged (with hashed ids only). A failed or timed-out call becomes
/// <see cref="SessionUnavailableException"/>; corrupt stored data on load becomes "absent". Used by the request
/// pipeline's id-cookie transport and by <see cref="ISessionManager"/>; no HTTP here. Session events
/// (<see cref="ISessionEvents"/>) are raised here, after the store calls of a load or commit succeeded.
/// </summary>
internal sealed class SessionCoordinator : ISessionBackend
{
    private readonly ISessionStore _store;
    private readonly ILogger _logger;
    private readonly SessionMetrics _metrics;
    private readonly string _storeName;

    public SessionCoordinator(
        ISessionStore store,
        SessionEnvironment environment,
        ILogger<SessionCoordinator> logger,
        SessionMetrics metrics,
        IEnumerable<ISessionEvents> events)
    {
        _store = store;
        _logger = logger;
        _metrics = metrics;
        Environment = environment;
        _storeName = store.GetType().Name;
        Events = new SessionEventDispatcher(events, logger);
    }

    /// <summary>The app's session event handlers (also raised by <see cref="SessionManager"/> for revoke and cleanup).</summary>
    public SessionEventDispatcher Events { get; }

    public SessionEnvironment Environment { get; }

    public TypedSessionOptions Options => Environment.Options;

    public ISessionStore Store => _store;

    private Task<T> Start<T>(Func<Task<T>> call) => StoreCall.Start(_store, call);

    public DateTimeOffset Now => Environment.Now;

    public Task<SessionLoadResult> LoadAsync(SessionId id)
    {
        var request = new SessionLoadRequest(Now, Options.SlidingRefreshThreshold);
        return LoadCoreAsync(id, (store, key, ct) => store.LoadAsync(key, request, ct));
    }

    public bool SupportsKeyReads
        => SupportsBlindWrites && _store is ISessionKeyReader && _store.Capabilities.HasFlag(SessionStoreCapabilities.KeyReads);

    public Task<SessionLoadResult> LoadKeysAsync(SessionId id, IReadOnlyCollection<string> keys)
    {
        var request = new SessionLoadRequest(Now, Options.SlidingRefreshThreshold);
        return LoadCoreAsync(id, (store, key, ct) => ((ISessionKeyReader)store).LoadKeysAsync(key, keys, request, ct));
    }

    private async Task<SessionLoadResult> LoadCoreAsync(SessionId id, Func<ISessionStore, string, CancellationToken, ValueTask<SessionLoadResult>> load)
    {
        SessionLoadResult result;
        try
        {
            result = await CallAsync("load", id, load).ConfigureAwait(false);
        }
        catch (SessionDataException ex)
        {
            SessionLog.Corrupt(_logger, id.LogId, ex);
            return SessionLoadResult.NotFound;
        }

        if (result.Record is { } record)
        {
            SessionLog.Loaded(_logger, id.LogId, record.Values.Count, result.Touched);
        }
        else if (result.IsSuperseded)
        {
            ReportSuperseded(id);
        }
        else
        {
            SessionLog.NotFound(_logger, id.LogId);

            // Stores answer "no live session" alike for an expired, a deleted and a never-issued id (SessionExpiredContext).
            await Events.ExpiredOnRequestAsync(id, null, confirmed: false, Now).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Commits a request's changes: the cycle (one store operation that moves the record, with what other requests wrote
    /// meanwhile, to the new id), or a per-key save, or the creation of a new session; then the end of a flushed one.
    /// Only when all of that succeeded are the commit's events raised (flushed, cycled, created, in that order).
    /// </summary>
    public async Task<bool> CommitAsync(SessionCommit commit)
    {
        var stored = false;
        var created = false;
        var ended = false;
        SessionId? cycledFrom = null;
        if (commit.CycleFrom is { } from)
        {
            await CycleAsync(from, commit.Id!, commit.ChangeSet(), commit.Size).ConfigureAwait(false);
            stored = true;
            cycledFrom = from;
        }
        else if (commit.IsModified && commit.Id is { } id)
        {
            if (commit.Persisted && commit.IsPartial)
            {
                await SaveWithinLimitAsync(id, commit.ChangeSet()).ConfigureAwait(false);
                stored = true;
            }
            else if (commit.Persisted)
            {
                await SaveAsync(id, commit.ChangeSet(), commit.Size).ConfigureAwait(false);
                stored = true;
            }
            else if (commit.HasContent)
            {
                var now = commit.Now;
                var lifetime = commit.Lifetime;
                var record = new SessionRecord(commit.Values(), now, lifetime.Touch(now, 0) ?? lifetime, 1, commit.UserKey);
                await CreateAsync(id, record).ConfigureAwait(false);
                stored = created = true;
            }
        }

        if (commit.EndId is { } end)
        {
            try
            {
                // After the create: if ending the old session fails, the new one is taken back and nothing changed.
                ended = await EndAsync(end).ConfigureAwait(false);
            }
            catch when (created)
            {
                await TakeBackAsync(commit.Id!).ConfigureAwait(false);
                throw;
            }
        }

        if (Events.IsEnabled)
        {
            await RaiseCommitEventsAsync(commit, ended ? commit.EndId : null, cycledFrom, created).ConfigureAwait(false);
        }

        return stored;
    }

    // In the order the app made the changes: a flush ends the old session before the next write creates a new one.
    private async Task RaiseCommitEventsAsync(SessionCommit commit, SessionId? ended, SessionId? cycledFrom, bool created)
    {
        var now = Now;
        if (ended is not null)
        {
            await Events.FlushedAsync(ended, commit.LoadedUserKey, now).ConfigureAwait(false);
        }

        if (cycledFrom is not null)
        {
            await Events.IdCycledAsync(cycledFrom, commit.Id!, commit.UserKey, now).ConfigureAwait(false);
        }

        if (created)
        {
            await Events.CreatedAsync(commit.Id!, commit.UserKey, now).ConfigureAwait(false);
        }
    }

    // A session this request created but must not keep: nobody has its id yet; if deleting it fails it simply expires.
    private async Task TakeBackAsync(SessionId id)
    {
        try
        {
            await DeleteAsync(id).ConfigureAwait(false);
        }
        catch (SessionUnavailableException)
        {
        }
    }

    public async Task CreateAsync(SessionId id, SessionRecord record)
    {
        var created = await Wrap("create", id, (store, key, ct) => store.CreateAsync(key, record, ct)).ConfigureAwait(false);
        if (!created)
        {
            // 256 random bits do not collide; if they ever seem to, refuse rather than overwrite.
            throw new SessionUnavailableException("A session with the new id already exists; nothing was overwritten.");
        }

        _metrics.PayloadSize(record.PayloadSize);
        SessionLog.Created(_logger, id.LogId);
    }

    /// <summary>Saves a change set; anything but <see cref="SessionWriteOutcome.Applied"/> throws (nothing was written).</summary>
    public async Task SaveAsync(SessionId id, SessionChangeSet changes, long size)
    {
        var outcome = await Wrap("save", id, (store, key, ct) => store.SaveAsync(key, changes, ct)).ConfigureAwait(false);
        ThrowUnlessApplied(outcome, id, changes);
        _metrics.PayloadSize(size);
        SessionLog.Saved(_logger, id.LogId, changes.SetValues.Count, changes.RemovedKeys.Count, changes.ClearAll);
    }

    /// <summary>
    /// Saves the change set of a request that loaded only some keys (<see cref="ISessionKeyReader"/>): the store checks
    /// the size limit, as for a blind save, and the expectations; anything but Applied throws (nothing was written).
    /// </summary>
    private async Task SaveWithinLimitAsync(SessionId id, SessionChangeSet changes)
    {
        var limit = Options.MaxSessionSize;
        var result = await Wrap("save", id, (store, key, ct) => ((ISessionBlindWriter)store).SaveBlindAsync(key, changes, limit, ct)).ConfigureAwait(false);
        if (result.Outcome == SessionWriteOutcome.TooLarge)
        {
            throw new SessionTooLargeException(changes.SetValues.Keys.ToArray(), limit);
        }

        ThrowUnlessApplied(result.Outcome, id, changes);
        SessionLog.Saved(_logger, id.LogId, changes.SetValues.Count, changes.RemovedKeys.Count, changes.ClearAll);
    }

    public bool SupportsBlindWrites => _store is ISessionBlindWriter && _store.Capabilities.HasFlag(SessionStoreCapabilities.BlindWrites);

    /// <summary>A save without a load (<see cref="ISessionBlindWriter"/>): Applied and NotFound return, the rest throw (nothing was written).</summary>
    public async Task<SessionBlindWriteResult> SaveBlindAsync(SessionId id, SessionChangeSet changes)
    {
        var limit = Options.MaxSessionSize;
        var result = await Wrap("save", id, (store, key, ct) => ((ISessionBlindWriter)store).SaveBlindAsync(key, changes, limit, ct)).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case SessionWriteOutcome.Applied when result.Lifetime is not null:
                SessionLog.Saved(_logger, id.LogId, changes.SetValues.Count, 0, false);
                return result;
            case SessionWriteOutcome.NotFound:
                SessionLog.NotFound(_logger, id.LogId);
                await Events.ExpiredOnRequestAsync(id, null, confirmed: false, Now).ConfigureAwait(false);
                return result;
            case SessionWriteOutcome.Superseded:
                ReportSuperseded(id);
                throw new SessionInterruptedException(
                    "The request's session cookie is stale: it carried the id of a session that was cycled or flushed moments ago " +
                    "(another request signed in, signed out or renewed it). Nothing was saved and no cookie is set. Retry with the browser's current cookie.");
            case SessionWriteOutcome.TooLarge:
                throw new SessionTooLargeException(changes.SetValues.Keys.ToArray(), limit);
            case SessionWriteOutcome.Conflict:
                // No expectations to fail: the store held the session for another operation (a Redis Cluster cycle's fence).
                throw Conflict(id, changes);
            default:
                throw new SessionStoreException($"The store answered a blind save with {result.Outcome}{(result.Outcome == SessionWriteOutcome.Applied ? " but no lifetime" : string.Empty)}; nothing is known to be written.");
        }
    }

    /// <summary>Moves the stored session to <paramref name="newId"/> with the change set applied, leaving a tombstone (one store operation).</summary>
    public async Task CycleAsync(SessionId id, SessionId newId, SessionChangeSet changes, long size)
    {
        var tombstoneExpiresAt = changes.Now + Options.TombstoneLifetime;
        var outcome = await Wrap("cycle", id, (store, key, ct) => store.CycleAsync(key, newId.StoreKey, changes, tombstoneExpiresAt, ct)).ConfigureAwait(false);
        ThrowUnlessApplied(outcome, id, changes);
        _metrics.PayloadSize(size);
        SessionLog.Cycled(_logger, id.LogId, newId.LogId);
    }

    /// <summary>Ends the stored session, leaving a tombstone. A session that is already gone is fine; one cycled or flushed by another request throws.</summary>
    /// <returns>Whether a live session was ended (not one already gone).</returns>
    public async Task<bool> EndAsync(SessionId id)
    {
        var now = Now;
        var outcome = await Wrap("end", id, (store, key, ct) => store.EndAsync(key, now, now + Options.TombstoneLifetime, ct)).ConfigureAwait(false);
        if (outcome == SessionWriteOutcome.Superseded)
        {
            ThrowUnlessApplied(outcome, id, null);
        }

        SessionLog.Deleted(_logger, id.LogId);
        return outcome == SessionWriteOutcome.Applied;
    }

    /// <summary>Deletes a session outright (a session this request created and must take back).</summary>
    public async Task DeleteAsync(SessionId id)
    {
        await Wrap("delete", id, (store, key, ct) => store.DeleteAsync(key, ct)).ConfigureAwait(false);
        SessionLog.Deleted(_logger, id.LogId);
    }

    /// <summary>A request that loaded a tombstone: logged and counted once.</summary>
    public void ReportSuperseded(SessionId id)
    {
        _metrics.Conflict(TypedSessionsTelemetry.ConflictReasons.Superseded);
        SessionLog.Superseded(_logger, id.LogId);
    }

    private void ThrowUnlessApplied(SessionWriteOutcome outcome, SessionId id, SessionChangeSet? changes)
    {
        switch (outcome)
        {
            case SessionWriteOutcome.Applied:
                return;
            case SessionWriteOutcome.Conflict:
                throw Conflict(id, changes);
            case SessionWriteOutcome.TooLarge:
                // More keys than the store loads (other requests added keys meanwhile, or the store's limit is lower).
                throw SessionTooLargeException.StoreRefusedKeys(changes?.SetValues.Keys.ToArray() ?? []);
            default:
                var how = outcome == SessionWriteOutcome.Superseded ? "cycled or flushed by another request" : "deleted, revoked or expired";
                _metrics.Conflict(TypedSessionsTelemetry.ConflictReasons.Interrupted);
                SessionLog.Interrupted(_logger, id.LogId, how);
                throw new SessionInterruptedException(
                    $"The session was {how} while this request was running; nothing was saved and the cookie is left as it is. " +
                    "Retry with the browser's current cookie.");
        }
    }

    private SessionConflictException Conflict(SessionId id, SessionChangeSet? changes)
    {
        var keys = changes?.ExpectedValues.Keys.ToArray() ?? [];
        _metrics.Conflict(TypedSessionsTelemetry.ConflictReasons.Conflict);
        SessionLog.Conflict(_logger, id.LogId, string.Join(", ", keys));
        return new SessionConflictException(keys);
    }

    public async Task<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        if (_store is not ISessionUserIndex index)
        {
            throw new NotSupportedException($"The session store {_storeName} cannot find a user's sessions (it does not implement ISessionUserIndex).");
        }

        var deleted = await DirectAsync(
            TypedSessionsTelemetry.Operations.RevokeUser,
            "revoke the user's sessions",
            ct => index.RevokeUserAsync(userKey, ct).AsTask(),
            cancellationToken).ConfigureAwait(false);

        // Outside the store call's span and timing: a handler's time is not the store's.
        await Events.RevokedAsync(userKey, deleted, Now, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>
    /// A store call that is not about a request's session: <see cref="ISessionManager"/>'s direct operations (delete by
    /// store key, revoke a user, list and end a user's sessions; the ticket store's sign-out deletes through it) and a
    /// session's own revoke. Bounded by <see cref="TypedSessionOptions.StoreTimeout"/> and the caller's token, started
    /// as the request path's calls are (<see cref="StoreCall.Start"/>), traced and measured as <paramref name="operation"/>.
    /// A store that fails or does not answer in time is <see cref="SessionUnavailableException"/> (a 503 in a request);
    /// undecodable stored data stays <see cref="SessionDataException"/>; the caller's own cancellation stays itself.
    /// </summary>
    /// <param name="operation">The operation's name (<see cref="TypedSessionsTelemetry.Operations"/>).</param>
    /// <param name="what">What the call does, for the exception's message ("delete the session").</param>
    /// <param name="call">The store call, given a token that is cancelled when the caller's is or the timeout passes.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public Task<T> DirectAsync<T>(string operation, string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        => TimedCallAsync(operation, what, null, call, cancellationToken);

    private async Task<T> Wrap<T>(string operation, SessionId id, Func<ISessionStore, string, CancellationToken, ValueTask<T>> call)
    {
        try
        {
            return await CallAsync(operation, id, call).ConfigureAwait(false);
        }
        catch (SessionDataException ex)
        {
            SessionLog.StoreFailed(_logger, operation, id.LogId, ex);
            throw new SessionUnavailableException($"The session store could not {operation} the session: its stored data is corrupt.", ex);
        }
    }

    private Task<T> CallAsync<T>(string operation, SessionId id, Func<ISessionStore, string, CancellationToken, ValueTask<T>> call)
        => TimedCallAsync(operation, operation + " the session", id, ct => call(_store, id.StoreKey, ct).AsTask(), CancellationToken.None);

    // Every store call: bounded by StoreTimeout (WaitAsync bounds it even for a store that ignores its token; Start runs
    // it on the thread pool unless the store never blocks its caller — Microsoft.Data.Sqlite's async methods run
    // synchronously) and by the caller's token, traced (with the session's hash when there is one), measured and, for a
    // session, logged. A failure or timeout is SessionUnavailableException; corrupt data stays SessionDataException; the
    // caller's own cancellation stays itself, and a caller that already gave up starts nothing (a call handed to the
    // thread pool would run after the caller was told it was cancelled).
    private async Task<T> TimedCallAsync<T>(string operation, string what, SessionId? id, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var timeout = Options.StoreTimeout;
        using var activity = SessionMetrics.StartStoreSpan(_storeName, operation);
        if (id is not null)
        {
            activity?.SetTag(TypedSessionsTelemetry.Attributes.SessionIdHash, id.LogId);
        }

        var started = Stopwatch.GetTimestamp();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var outcome = TypedSessionsTelemetry.Outcomes.Error;
        string? errorType = null;
        try
        {
            var result = await Start(() => call(cts.Token)).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            outcome = TypedSessionsTelemetry.Outcomes.Ok;
            return result;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is TimeoutException || (ex is OperationCanceledException && cts.IsCancellationRequested)))
        {
            outcome = TypedSessionsTelemetry.Outcomes.Timeout;
            errorType = TypedSessionsTelemetry.ErrorTypes.Timeout;

            // WaitAsync may give up before the source's own timer fires: the abandoned call is told to stop now
            // (disposing the source alone would not cancel its token).
            await cts.CancelAsync().ConfigureAwait(false);
            if (id is not null)
            {
                SessionLog.StoreTimedOut(_logger, operation, id.LogId, timeout);
            }

            SessionMetrics.Fail(activity, errorType);
            throw new SessionUnavailableException($"The session store did not {what} within {timeout}.", ex);
        }
        catch (SessionDataException)
        {
            outcome = TypedSessionsTelemetry.Outcomes.Corrupt;
            errorType = TypedSessionsTelemetry.ErrorTypes.Corrupt;
            SessionMetrics.Fail(activity, errorType);
            throw;
        }
        catch (Exception ex) when (ex is not SessionUnavailableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            if (id is not null)
            {
                SessionLog.StoreFailed(_logger, operation, id.LogId, ex);
            }

            errorType = SessionMetrics.ErrorTypeOf(ex);
            SessionMetrics.Fail(activity, errorType);
            throw new SessionUnavailableException($"The session store failed to {what}.", ex);
        }
        finally
        {
            _metrics.Operation(_storeName, operation, outcome, errorType, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
