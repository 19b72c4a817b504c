using System.Runtime.ExceptionServices;
using TypedSessions.Core;
using TypedSessions.Storage;

namespace TypedSessions;

// Blind writes: in SessionLoadMode.OnDemand, a request that carries a session cookie may set values before (or without)
// loading its session. They are kept here and saved with one store call (ISessionBlindWriter), the store checking the
// size limit; a later load applies them on top of what it loaded. Only Set/SetBytes write blind: every other change
// (remove, clear, flush, cycle, expiry, user) needs the loaded session, as reads do.
public sealed partial class Session
{
    // Keys set before the session was loaded, in the order written; null when there are none.
    private Dictionary<string, SessionEntry>? _blind;

    // The blind writes were saved (the response started); the session stays unloaded, and a load reads it as saved.
    private bool _blindSaved;

    /// <summary>Whether a write now may skip the load: on-demand, with a cookie, not loaded yet, on a store that can check the size itself.</summary>
    private bool CanWriteBlind => _phase == Phase.NotLoaded && _loading is null && _backend.SupportsBlindWrites;

    private void WriteBlind(string key, SessionEntry entry)
    {
        if (_blindSaved)
        {
            throw new InvalidOperationException(
                "The session was already saved for this request (its response has started); later changes cannot be kept. " +
                "Change the session before writing to the response body.");
        }

        ThrowIfSuperseded();
        var blind = _blind ??= new Dictionary<string, SessionEntry>(StringComparer.Ordinal);
        var size = SessionSize.Of(key, entry.Bytes.Length);
        foreach (var (other, value) in blind)
        {
            size += other == key ? 0 : SessionSize.Of(other, value.Bytes.Length);
        }

        // What this request writes alone already over the limit: refused now, as a loaded session's write is.
        var limit = _env.Options.MaxSessionSize;
        if (size > limit)
        {
            throw new SessionTooLargeException(key, size, limit);
        }

        blind[key] = entry;
        IsAccessed = true;
        Changed();
    }

    // After a load: the blind writes apply on top of what was loaded (each held to the size limit as any write).
    private void ReplayBlindWrites()
    {
        if (_blind is not { } blind || _blindSaved)
        {
            _blind = null;
            return;
        }

        _blind = null;
        if (_phase != Phase.Loaded)
        {
            return;
        }

        // The writes were accepted before the load; if they cannot apply now (the id was cycled or flushed meanwhile, or
        // they no longer fit), the request must not end as a success: the failure is thrown to the endpoint and is also
        // its commit's answer (409 / 413), whatever the endpoint does with it.
        try
        {
            ThrowIfSuperseded();
            foreach (var (key, entry) in blind)
            {
                SyncBlindTracked(key, entry);
                Put(key, entry);
            }
        }
        catch (Exception ex)
        {
            Abandon();
            _commitFailure = ExceptionDispatchInfo.Capture(ex);
            throw;
        }
    }

    private void SyncBlindTracked(string key, SessionEntry entry)
    {
        if (entry.Tracked)
        {
            entry.Bytes = entry.Reencode(_env.Codec, key);
        }
    }

    // One store call. NotFound (the cookie names no live session): the writes start a new session instead, as they would
    // have after a load that found nothing, and the normal commit creates it.
    private async Task<bool> CommitBlindAsync()
    {
        var blind = _blind!;
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, entry) in blind)
        {
            SyncBlindTracked(key, entry);
            values[key] = entry.Bytes;
        }

        var changes = new SessionChangeSet { Now = _env.Now, SetValues = values };
        var result = await _backend.SaveBlindAsync(_cookieId!, changes).ConfigureAwait(false);
        if (result.Outcome == SessionWriteOutcome.Applied)
        {
            _blindSaved = true;
            _state = SessionState.Saved(_cookieId!, result.Lifetime!.Value);
            return true;
        }

        _blind = null;
        _state = SessionState.Loaded(null, null);
        _phase = Phase.Loaded;
        foreach (var (key, entry) in blind)
        {
            Put(key, entry);
        }

        return false;
    }

    // The response started after the blind save: a value written blind and changed in place since cannot be kept.
    private void ThrowIfBlindChangedSinceSaved()
    {
        foreach (var (key, entry) in _blind!)
        {
            if (entry.Tracked && !entry.Reencode(_env.Codec, key).AsSpan().SequenceEqual(entry.Bytes))
            {
                throw new InvalidOperationException(
                    "The session was changed after the response started (a value changed in place), when it had already been saved " +
                    "for this request; the change is not kept. Change the session before writing to the response body.");
            }
        }
    }
}
