using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions;

public sealed partial class Session
{
    private static readonly IReadOnlyDictionary<string, byte[]?> NoExpectedValues = new Dictionary<string, byte[]?>(StringComparer.Ordinal);

    // Nothing of this request is to reach the response's cookies (the endpoint or the commit failed).
    private bool _abandoned;

    // The commit failed; the request ends as that failure.
    private ExceptionDispatchInfo? _commitFailure;

    // Without an absolute cap the cookie's lifetime follows the sliding expiry, so every slide re-sends it.
    private bool CookieFollowsSlidingExpiry
        => _lifetime is { } l && l.AbsoluteExpiresAt is null && l.Mode != SessionExpiryMode.BrowserClose;

    private bool CookieNeedsSending
        => _id is not null && (_idChanged || _lifetimeChanged || (CookieFollowsSlidingExpiry && (_touched || IsModified)));

    /// <summary>
    /// Saves the request's changes before the response starts (called by the response body), so the client
    /// is answered only once they are stored. A request that changed nothing stays open for later writes,
    /// which <see cref="CommitAsync"/> saves after the endpoint as before.
    /// </summary>
    internal Task CommitBeforeResponseAsync() => CommitCoreAsync(onlyIfModified: true);

    /// <summary>Saves what this request changed: delete (flushed or cycled away), create (new or cycled), or a per-key merge.</summary>
    internal Task CommitAsync() => CommitCoreAsync(onlyIfModified: false);

    // All or nothing: when the save throws, the stored session is as it was (or as other requests left it), Abandon
    // keeps this request's cookie from being sent, and the failure is final: a later commit of the same request (an
    // endpoint that caught the exception and writes its own answer) throws it again rather than trying once more.
    private async Task CommitCoreAsync(bool onlyIfModified)
    {
        _commitFailure?.Throw();
        if (_state == State.Committed && !onlyIfModified && !_clientSide)
        {
            ThrowIfChangedSinceSaved();
            return;
        }

        if (_state != State.Loaded)
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

            if (_clientSide)
            {
                PrepareClientCookie();
            }
            else
            {
                await SaveToStoreAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Abandon();
            _commitFailure = ExceptionDispatchInfo.Capture(ex);
            throw;
        }

        _state = State.Committed;
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
                "A session value was changed in place after the session had been saved for this request (the response had started); " +
                "the change is not kept. Change the session before writing to the response body.");
        }
    }

    /// <summary>Records values changed in place since they were read (pending collections, tracked values) as set.</summary>
    private void CaptureInPlaceChanges()
    {
        PromoteChangedPending();
        foreach (var (key, entry) in _entries)
        {
            SyncTracked(key, entry);
        }
    }

    private async Task SaveToStoreAsync()
    {
        // Only what this request writes is held to the limit: a stored session already over it (the limit
        // was lowered) can still be read, and shrunk, without every request failing.
        var limit = _coordinator.Options.MaxSessionSize;
        if (IsModified && _size > limit)
        {
            throw new SessionTooLargeException(null, _size, limit);
        }

        var now = _coordinator.Now;
        var created = false;
        if (_cycleFrom is not null)
        {
            await _coordinator.CycleAsync(_cycleFrom, _id!, ChangesSinceLoad(now), _size).ConfigureAwait(false);
            _cycleFrom = null;
            _persisted = true;
        }
        else if (IsModified && _id is not null)
        {
            if (_persisted)
            {
                await _coordinator.SaveAsync(_id, ChangesSinceLoad(now), _size).ConfigureAwait(false);
            }
            else if (_entries.Count > 0 || _lifetimeChanged || _userKey is not null)
            {
                var lifetime = _lifetime!.Value;
                var record = new SessionRecord(
                    _entries.ToDictionary(e => e.Key, e => e.Value.Bytes, StringComparer.Ordinal),
                    now, // a new session, or one started after a flush in this request
                    lifetime.Touch(now, 0) ?? lifetime,
                    1,
                    _userKey);
                await _coordinator.CreateAsync(_id, record).ConfigureAwait(false);
                _persisted = true;
                created = true;
            }
        }

        if (_endId is not null)
        {
            try
            {
                // After the create: if ending the old session fails, the new one is taken back and nothing changed.
                await _coordinator.EndAsync(_endId).ConfigureAwait(false);
            }
            catch when (created)
            {
                await TakeBackAsync(_id!).ConfigureAwait(false);
                throw;
            }

            _endId = null;
        }
    }

    // A session this request created but must not keep: nobody has its id yet; if deleting it fails it simply expires.
    private async Task TakeBackAsync(SessionId id)
    {
        try
        {
            await _coordinator.DeleteAsync(id).ConfigureAwait(false);
        }
        catch (SessionUnavailableException)
        {
        }
    }

    // The per-key change set of a stored session, with the values this request read and then wrote as expectations.
    private SessionChangeSet ChangesSinceLoad(DateTimeOffset now)
    {
        Dictionary<string, byte[]?>? expected = null;
        if (_coordinator.Options.Concurrency == SessionConcurrencyMode.DetectConflicts && _loaded is not null)
        {
            foreach (var key in _readKeys)
            {
                if (_setKeys.Contains(key) || _removedKeys.Contains(key))
                {
                    expected ??= new Dictionary<string, byte[]?>(StringComparer.Ordinal);
                    expected[key] = _loaded.Values.TryGetValue(key, out var bytes) ? bytes : null;
                }
            }
        }

        return new SessionChangeSet
        {
            Now = now,
            ClearAll = _cleared,
            SetValues = _setKeys.ToDictionary(k => k, k => _entries[k].Bytes, StringComparer.Ordinal),
            RemovedKeys = [.. _removedKeys],
            Lifetime = _lifetimeChanged ? _lifetime : null,
            UserKeyChanged = _userKeyChanged,
            UserKey = _userKey,
            ExpectedValues = expected ?? NoExpectedValues,
        };
    }

    /// <summary>Sets or deletes the cookie as the response starts; adds <c>Vary</c> and <c>Cache-Control</c> as the rules say.</summary>
    internal void ApplyHeaders(HttpResponse response)
    {
        if (_state == State.Disabled || _abandoned)
        {
            return;
        }

        // A new collection changed in place may establish the session: decide before the cookie is due (a superseded
        // session establishes nothing: its commit refuses the change).
        if (_state == State.Loaded && !_superseded)
        {
            PromoteChangedPending();
        }

        var headers = response.Headers;
        if (IsAccessed && !headers.Vary.Any(v => v is not null && v.Contains("Cookie", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Append(HeaderNames.Vary, "Cookie");
        }

        if (_clientSide)
        {
            ApplyClientCookies(response);
            return;
        }

        var cookie = _coordinator.Options.Cookie;
        var request = response.HttpContext.Request;
        if (CookieNeedsSending)
        {
            var lifetime = _lifetime!.Value;
            var options = CookieOptionsFor(cookie, request);
            if (lifetime.Mode != SessionExpiryMode.BrowserClose)
            {
                var now = _coordinator.Now;
                var end = lifetime.AbsoluteExpiresAt ?? (lifetime.Touch(now, 0) ?? lifetime).ExpiresAt;
                options.Expires = end;
                options.MaxAge = end > now ? end - now : TimeSpan.Zero;
            }

            response.Cookies.Append(cookie.EffectiveName, _id!.Value, options);
            headers.CacheControl = "no-store";
        }
        else if (_id is null && _flushed && _cookieId is not null)
        {
            response.Cookies.Delete(cookie.EffectiveName, CookieOptionsFor(cookie, request));
            headers.CacheControl = "no-store";
        }
    }

    private static CookieOptions CookieOptionsFor(SessionCookieOptions cookie, HttpRequest request) => new()
    {
        Path = cookie.Path,
        Domain = string.IsNullOrEmpty(cookie.Domain) ? null : cookie.Domain,
        HttpOnly = cookie.HttpOnly,
        SameSite = cookie.SameSite,
        IsEssential = true,
        Secure = cookie.SecurePolicy switch
        {
            CookieSecurePolicy.Always => true,
            CookieSecurePolicy.None => false,
            _ => request.IsHttps,
        },
    };
}
