using System.Runtime.ExceptionServices;
using TypedSessions.Core;

namespace TypedSessions;

public sealed partial class Session
{
    // Nothing of this request is to reach the response's cookies (the endpoint or the commit failed).
    private bool _abandoned;

    // The commit failed; the request ends as that failure.
    private ExceptionDispatchInfo? _commitFailure;

    /// <summary>
    /// Saves the request's changes before the response starts (called by the response body), so the client
    /// is answered only once they are stored. A request that changed nothing stays open for later writes,
    /// which <see cref="CommitAsync"/> saves after the endpoint as before.
    /// </summary>
    internal Task CommitBeforeResponseAsync() => CommitCoreAsync(onlyIfModified: true);

    /// <summary>Commits what this request changed through the backend: cycle, save, create, end — as it decides.</summary>
    internal Task CommitAsync() => CommitCoreAsync(onlyIfModified: false);

    /// <summary>Whether nothing of this request may reach the response's cookies (its endpoint or its commit failed).</summary>
    internal bool IsAbandoned => _abandoned;

    // All or nothing: when the backend throws, the stored session is as it was (or as other requests left it), Abandon
    // keeps this request's cookie from being sent, and the failure is final: a later commit of the same request (an
    // endpoint that caught the exception and writes its own answer) throws it again rather than trying once more.
    private async Task CommitCoreAsync(bool onlyIfModified)
    {
        _commitFailure?.Throw();

        // Changes a store failure keeps from being saved (blind writes before a load that failed, under
        // ContinueUnavailable): the request must not end as a success.
        if (_phase == Phase.Unavailable && IsModified)
        {
            Abandon();
            var unavailable = Unavailable();
            _commitFailure = ExceptionDispatchInfo.Capture(unavailable);
            throw unavailable;
        }

        if (_phase == Phase.NotLoaded && _blind is not null)
        {
            if (_blindSaved)
            {
                if (!onlyIfModified)
                {
                    ThrowIfBlindChangedSinceSaved();
                }

                return;
            }

            try
            {
                if (await CommitBlindAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                Abandon();
                _commitFailure = ExceptionDispatchInfo.Capture(ex);
                throw;
            }

            // No live session under the cookie: the writes now start a new one, committed below as any new session.
        }

        if (_phase == Phase.Committed && !onlyIfModified)
        {
            ThrowIfChangedSinceSaved();
            return;
        }

        if (_phase != Phase.Loaded)
        {
            return;
        }

        try
        {
            CaptureInPlaceChanges();
            if (onlyIfModified && !IsModified)
            {
                return;
            }

            // Only what this request writes is held to the limit: a stored session already over it (the limit
            // was lowered) can still be read, and shrunk, without every request failing.
            var limit = _env.Options.MaxSessionSize;
            if (IsModified && _state.Size > limit)
            {
                throw new SessionTooLargeException(null, _state.Size, limit);
            }

            // Nothing changed and no expiry to slide: no backend has anything to do.
            if (!IsModified && !_touched)
            {
                _phase = Phase.Committed;
                return;
            }

            var commit = new SessionCommit(_state, _loaded, IsModified, _touched, _env.Now, _env.Options.Concurrency == SessionConcurrencyMode.DetectConflicts);
            if (await _backend.CommitAsync(commit).ConfigureAwait(false))
            {
                _state.Persisted = true;
            }
        }
        catch (Exception ex)
        {
            Abandon();
            _commitFailure = ExceptionDispatchInfo.Capture(ex);
            throw;
        }

        _phase = Phase.Committed;
    }

    // The session was saved before the response started; a value read from it and changed in place afterwards cannot be
    // kept. Throwing here (after the endpoint) fails the request instead of finishing a 2xx whose change was dropped.
    private void ThrowIfChangedSinceSaved()
    {
        var stamp = ChangeStamp;
        CaptureInPlaceChanges();
        if (ChangeStamp != stamp)
        {
            throw new InvalidOperationException(
                "The session was changed after the response started (a value changed in place), when it had already been saved " +
                "for this request; the change is not kept. Change the session before writing to the response body.");
        }
    }

    /// <summary>Records values changed in place since they were read (pending collections, tracked values) as set.</summary>
    private void CaptureInPlaceChanges()
    {
        PromoteChangedPending();
        foreach (var (key, entry) in _state.Entries)
        {
            SyncTracked(key, entry);
        }
    }

    /// <summary>
    /// Called by the transport as the response starts, before it decides the cookie: a new collection changed in place
    /// may establish the session (a superseded session establishes nothing: its commit refuses the change).
    /// </summary>
    internal void CaptureNewValuesBeforeCookie()
    {
        if (_phase == Phase.Loaded && !_superseded)
        {
            PromoteChangedPending();
        }
    }

    /// <summary>
    /// The endpoint or the commit failed: no cookie of this request is sent when an error response starts. Once the
    /// session is saved its cookie must go out with whatever answer follows (the stored id may have changed).
    /// </summary>
    internal void Abandon()
    {
        if (_phase != Phase.Committed)
        {
            _abandoned = true;
        }
    }
}
