using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TypedSessions.Storage;

namespace TypedSessions;

public sealed partial class Session
{
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
    internal Task CommitBeforeResponseAsync()
    {
        if (_state != State.Loaded)
        {
            return Task.CompletedTask;
        }

        CaptureInPlaceChanges();
        return IsModified || _doomed.Count > 0 ? SaveCapturedAsync() : Task.CompletedTask;
    }

    /// <summary>Saves what this request changed: delete (flushed or cycled away), create (new or cycled), or a per-key merge.</summary>
    internal Task CommitAsync()
    {
        if (_state != State.Loaded)
        {
            return Task.CompletedTask;
        }

        CaptureInPlaceChanges();
        return SaveCapturedAsync();
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

    // The save itself, once CaptureInPlaceChanges has run.
    private async Task SaveCapturedAsync()
    {
        if (_clientSide)
        {
            PrepareClientCookie();
            _state = State.Committed;
            return;
        }

        // Only what this request writes is held to the limit: a stored session already over it (the limit
        // was lowered) can still be read, and shrunk, without every request failing.
        var limit = _coordinator.Options.MaxSessionSize;
        if (IsModified && _size > limit)
        {
            throw new SessionTooLargeException(null, _size, limit);
        }

        var now = _coordinator.Now;
        if (IsModified && _id is not null)
        {
            if (_persisted)
            {
                var changes = new SessionChangeSet
                {
                    Now = now,
                    ClearAll = _cleared,
                    SetValues = _setKeys.ToDictionary(k => k, k => _entries[k].Bytes, StringComparer.Ordinal),
                    RemovedKeys = [.. _removedKeys],
                    Lifetime = _lifetimeChanged ? _lifetime : null,
                    UserKeyChanged = _userKeyChanged,
                    UserKey = _userKey,
                };
                await _coordinator.SaveAsync(_id, changes, _size).ConfigureAwait(false);
            }
            else if (_record is not null || _entries.Count > 0 || _lifetimeChanged || _userKey is not null)
            {
                var lifetime = _lifetime!.Value;
                var record = new SessionRecord(
                    _entries.ToDictionary(e => e.Key, e => e.Value.Bytes, StringComparer.Ordinal),
                    _record?.CreatedAt ?? now,
                    lifetime.Touch(now, 0) ?? lifetime,
                    1,
                    _userKey);
                await _coordinator.CreateAsync(_id, record).ConfigureAwait(false);
                _persisted = true;
            }
        }

        foreach (var doomed in _doomed)
        {
            await _coordinator.DeleteAsync(doomed).ConfigureAwait(false);
        }

        _doomed.Clear();
        _state = State.Committed;
    }

    /// <summary>Sets or deletes the cookie as the response starts; adds <c>Vary</c> and <c>Cache-Control</c> as the rules say.</summary>
    internal void ApplyHeaders(HttpResponse response)
    {
        if (_state == State.Disabled)
        {
            return;
        }

        // A new collection changed in place may establish the session: decide before the cookie is due.
        if (_state == State.Loaded)
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
