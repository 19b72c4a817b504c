using TypedSessions.Core;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions;

public sealed partial class Session
{
    // The response's headers went out: the cookie (id, expiry) cannot change any more. Set by the transport.
    private bool _cookieClosed;

    /// <summary>The expiry variant in force.</summary>
    public SessionExpiryMode ExpiryMode => CurrentLifetime.Mode;

    /// <summary>Whether the cookie ends with the browser (no <c>Max-Age</c>).</summary>
    public bool ExpireAtBrowserClose => ExpiryMode == SessionExpiryMode.BrowserClose;

    /// <summary>When the session ends if left idle from now on (Django's <c>get_expiry_date</c>).</summary>
    public DateTimeOffset ExpiresAt => CurrentLifetime.ExpiresAt;

    /// <summary>How long until <see cref="ExpiresAt"/> (Django's <c>get_expiry_age</c>).</summary>
    public TimeSpan ExpiryAge
    {
        get
        {
            var age = ExpiresAt - _env.Now;
            return age < TimeSpan.Zero ? TimeSpan.Zero : age;
        }
    }

    /// <summary>The user this session is bound to (for "log out everywhere"), or <see langword="null"/>.</summary>
    public string? UserKey
    {
        get
        {
            Access();
            return _state.UserKey;
        }
    }

    private SessionLifetime CurrentLifetime
    {
        get
        {
            Access();
            return _state.Lifetime ?? _env.ComputeLifetime(SessionExpiryMode.Default, _env.Now, null);
        }
    }

    /// <summary>
    /// Ends the session: its stored data is deleted when the request completes and the cookie is
    /// removed. Writes after a flush start a brand-new session with a new id (Django's <c>flush</c>).
    /// </summary>
    public void Flush()
    {
        EnsureWritable();
        EnsureCookieCanChange();
        Access();

        // A fresh state: empty and new; the stored session (or the one this request was cycling) is ended at commit.
        _state = _state.Flush();
        Changed();
    }

    /// <summary>
    /// Gives the session a new id and keeps its data; the old id stops working when the request
    /// completes. Call it on login and on every privilege change (session fixation defence).
    /// </summary>
    public void CycleId()
    {
        EnsureWritable();
        EnsureCookieCanChange();
        AccessWhole(nameof(CycleId));
        if (_state.Persisted)
        {
            // The commit moves the stored record (with whatever other requests wrote meanwhile) in one store operation.
            _state.CycleFrom = _state.Id;
            _state.Persisted = false;
        }

        _state.Id = SessionId.New();
        _state.IdChanged = true;
        _state.Lifetime ??= _env.ComputeLifetime(SessionExpiryMode.Default, _env.Now, null);
        Changed();
    }

    /// <summary>
    /// Signs a user in on this session (Django's <c>login()</c>): when the session is bound to another user it is
    /// flushed, so nothing of that user's data reaches this one; when it is anonymous or bound to the same user its id is
    /// cycled and its data kept (session fixation defence). Either way the session is then bound to
    /// <paramref name="userKey"/> (<see cref="BindUser"/>). Sign out with <see cref="Flush"/>.
    /// </summary>
    /// <param name="userKey">A stable user identifier (not a secret).</param>
    public void SignIn(string userKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        EnsureWritable();
        AccessWhole(nameof(SignIn));
        if (_state.UserKey is not null && !string.Equals(_state.UserKey, userKey, StringComparison.Ordinal))
        {
            Flush();
        }
        else
        {
            CycleId();
        }

        BindUser(userKey);
    }

    /// <summary>
    /// Drops every change this request made — values, expiry, id cycle, flush, user binding — so that the commit
    /// writes nothing and no cookie changes; the session reads as it was loaded. Call it when answering a request as
    /// failed after some of its writes went through (the sample's 413 filter does, so a login that fails on a full
    /// session changes nothing).
    /// </summary>
    /// <exception cref="InvalidOperationException">The session was already saved for this request.</exception>
    public void DiscardChanges()
    {
        if (_phase == Phase.NotLoaded && _blind is not null && !_blindSaved)
        {
            _blind = null;
            IsModified = false;
            ChangeStamp++;
            return;
        }

        EnsureWritable();
        _state = SessionState.Loaded(_loadedId, _loaded, _state.ReadKeys, _loadedKeys);
        IsModified = false;
        ChangeStamp++;
    }

    /// <summary>Ends the session after <paramref name="idleTimeout"/> of inactivity (sliding), instead of the configured idle timeout.</summary>
    /// <param name="idleTimeout">The idle window; must be positive.</param>
    public void SetExpiry(TimeSpan idleTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        ChangeLifetime(SessionExpiryMode.Relative, idleTimeout, null);
    }

    /// <summary>Ends the session at <paramref name="expiresAt"/> (capped by the absolute timeout), whatever the activity.</summary>
    /// <param name="expiresAt">The end instant; must be in the future.</param>
    public void SetExpiry(DateTimeOffset expiresAt)
    {
        if (expiresAt <= _env.Now)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAt), expiresAt, "The expiry must be in the future; call Flush() to end the session now.");
        }

        ChangeLifetime(SessionExpiryMode.Absolute, null, expiresAt);
    }

    /// <summary>Makes the cookie end with the browser; the server still enforces the idle and absolute timeouts.</summary>
    public void SetExpiryAtBrowserClose() => ChangeLifetime(SessionExpiryMode.BrowserClose, null, null);

    /// <summary>Goes back to the configured timeouts (Django's <c>set_expiry(None)</c>).</summary>
    public void ResetExpiry() => ChangeLifetime(SessionExpiryMode.Default, null, null);

    /// <summary>Binds the session to a user so that all of that user's sessions can be ended at once; <see langword="null"/> unbinds.</summary>
    /// <param name="userKey">A stable user identifier (not a secret).</param>
    public void BindUser(string? userKey)
    {
        if (userKey is not null)
        {
            EnsureWellFormed(userKey, nameof(userKey));
            if (System.Text.Encoding.UTF8.GetByteCount(userKey) > SessionEnvelopeLimits.Default.MaxUserKeyBytes)
            {
                throw new ArgumentException($"A user key must be at most {SessionEnvelopeLimits.Default.MaxUserKeyBytes} UTF-8 bytes; stores refuse longer ones.", nameof(userKey));
            }
        }

        EnsureWritable();
        AccessWhole(nameof(BindUser));
        if (string.Equals(userKey, _state.UserKey, StringComparison.Ordinal))
        {
            return;
        }

        EstablishIfNew();
        _state.UserKey = userKey;
        _state.UserKeyChanged = true;
        Changed();
    }

    /// <summary>
    /// "Log out everywhere": deletes every stored session bound to this session's user (see
    /// <see cref="BindUser"/>), on every device, then flushes this one (<see cref="Flush"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>How many stored sessions were deleted (this one included).</returns>
    /// <exception cref="InvalidOperationException">The session is not bound to a user.</exception>
    /// <exception cref="NotSupportedException">The store cannot find a user's sessions (it does not implement <see cref="ISessionUserIndex"/>).</exception>
    /// <exception cref="SessionUnavailableException">The store failed or timed out; nothing is flushed.</exception>
    public async ValueTask<long> RevokeUserSessionsAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        EnsureCookieCanChange();
        Access();
        var userKey = _state.UserKey ?? throw new InvalidOperationException("The session is not bound to a user; call BindUser at login.");
        var deleted = await _backend.RevokeUserAsync(userKey, cancellationToken).ConfigureAwait(false);
        Flush();
        return deleted;
    }

    private void ChangeLifetime(SessionExpiryMode mode, TimeSpan? relative, DateTimeOffset? absolute)
    {
        EnsureWritable();
        EnsureCookieCanChange();
        AccessWhole("A new expiry");

        // Computed first: an out-of-range expiry must fail before a new session is given an id.
        var lifetime = _env.ComputeLifetime(mode, _env.Now, _state.Record?.CreatedAt, relative, absolute);
        EstablishIfNew();
        _state.Lifetime = lifetime;
        _state.LifetimeChanged = true;
        Changed();
    }

    // A new session gets its id at its first change, while the cookie can still be sent.
    private void EstablishIfNew()
    {
        if (_state.Id is not null)
        {
            return;
        }

        EnsureCookieCanChange();
        _state.Id = SessionId.New();
        _state.IdChanged = true;
        _state.Lifetime ??= _env.ComputeLifetime(SessionExpiryMode.Default, _env.Now, null);
    }

    /// <summary>The transport sent the response's headers: from now on the id and the cookie's expiry cannot change.</summary>
    internal void CloseCookie() => _cookieClosed = true;

    private void EnsureCookieCanChange()
    {
        if (_cookieClosed)
        {
            throw new InvalidOperationException(
                "The session cookie cannot be set because the response has already started. Establish, cycle, flush or re-time " +
                "the session before writing to the response body.");
        }
    }
}
