using System.Reflection;
using Microsoft.AspNetCore.Http;
using TypedSessions.AspNetCore;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions;

/// <summary>
/// One request's session: the untyped API (Django's <c>request.session</c>). Values are stored as
/// MessagePack per key, decoded once per request and cached. Changes are saved by the middleware
/// after the endpoint, as a per-key change set. Not thread-safe: use it from the request's flow.
/// </summary>
public sealed partial class Session
{
    private readonly SessionCoordinator _coordinator;
    private readonly HttpContext? _httpContext;
    private readonly SessionId? _cookieId;
    private State _state;
    private Task? _loading;
    private Exception? _unavailableReason;

    // The live id: the stored session's id, or a fresh one once this request has to establish a session.
    private SessionId? _id;
    private bool _persisted;
    private SessionRecord? _record;
    private bool _touched;

    // What the store held when this request loaded it (never reset: conflict checks and DiscardChanges compare with it).
    private SessionId? _loadedId;
    private SessionRecord? _loaded;

    // The request carried the id of a session cycled or flushed moments ago (a tombstone): empty and read-only.
    private bool _superseded;

    internal Session(SessionCoordinator coordinator, HttpContext? httpContext, SessionId? cookieId, bool disabled = false)
    {
        _coordinator = coordinator;
        _httpContext = httpContext;
        _cookieId = cookieId;
        _state = disabled ? State.Disabled : cookieId is null ? State.Loaded : State.NotLoaded;
        _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
    }

    private enum State
    {
        NotLoaded,
        Loaded,
        Unavailable,
        Disabled,
        Committed,
    }

    /// <summary>Whether the session's data is in memory (loaded, or there was nothing to load).</summary>
    public bool IsLoaded => _state is State.Loaded or State.Committed;

    /// <summary>
    /// <see langword="false"/> when loading failed and the app chose <see cref="StoreFailurePolicy.ContinueUnavailable"/>:
    /// every read or write then throws <see cref="SessionUnavailableException"/>.
    /// </summary>
    public bool IsAvailable => _state != State.Unavailable;

    /// <summary>
    /// Whether the request carried the id of a session that another request cycled or flushed moments ago (or two session
    /// cookies with different values). Such a session is empty and read-only: every change throws
    /// <see cref="SessionInterruptedException"/> (answered 409) and no cookie is set, so the browser's current cookie is kept.
    /// </summary>
    public bool IsSuperseded
    {
        get
        {
            EnsureReadable();
            return _superseded;
        }
    }

    /// <summary>Whether no stored session backs this request yet (anonymous, unknown id, expired, flushed or cycled).</summary>
    public bool IsNew
    {
        get
        {
            EnsureReadable();
            return !_persisted;
        }
    }

    /// <summary>Whether this request changed the session (values, expiry, id or user binding).</summary>
    public bool IsModified { get; private set; }

    /// <summary>Whether this request read or wrote the session (responses then carry <c>Vary: Cookie</c>).</summary>
    public bool IsAccessed { get; private set; }

    /// <summary>When the session was created; <see langword="null"/> for a session not stored yet.</summary>
    public DateTimeOffset? CreatedAt
    {
        get
        {
            EnsureReadable();
            return _record?.CreatedAt;
        }
    }

    /// <summary>
    /// Increments on every change made through this instance; typed wrappers use it to know their
    /// cached values are still current.
    /// </summary>
    public int ChangeStamp { get; private set; }

    /// <summary>Minimal-API binding: a <see cref="Session"/> parameter is loaded asynchronously before the endpoint runs.</summary>
    /// <param name="context">The request.</param>
    /// <param name="parameter">The parameter being bound.</param>
    /// <returns>The loaded session.</returns>
    public static async ValueTask<Session?> BindAsync(HttpContext context, ParameterInfo parameter)
        => await context.LoadSessionAsync(context.RequestAborted).ConfigureAwait(false);

    /// <summary>
    /// Loads the session from the store if that has not happened yet (one store call, which also
    /// slides the expiry when due). Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the load.</param>
    /// <exception cref="SessionUnavailableException">The store failed or timed out.</exception>
    public async ValueTask LoadAsync(CancellationToken cancellationToken = default)
    {
        switch (_state)
        {
            case State.Disabled:
                throw DisabledException();
            case State.NotLoaded:
                await LoadOrMarkUnavailableAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
        }

        // Under ContinueUnavailable the endpoint runs on; the session's reads and writes throw instead.
        if (_state == State.Unavailable && _coordinator.Options.FailurePolicy == StoreFailurePolicy.ServiceUnavailable)
        {
            throw Unavailable();
        }
    }

    internal Task LoadOrMarkUnavailableAsync() => _loading ??= LoadCoreAsync();

    private async Task LoadCoreAsync()
    {
        try
        {
            var result = await _coordinator.LoadAsync(_cookieId!).ConfigureAwait(false);
            Adopt(_cookieId!, result);
            _state = State.Loaded;
        }
        catch (SessionUnavailableException ex)
        {
            _unavailableReason = ex;
            _state = State.Unavailable;
        }
    }

    private void Adopt(SessionId id, SessionLoadResult result)
    {
        _superseded = result.IsSuperseded;
        if (result.Record is not { } record)
        {
            return;
        }

        _loadedId = id;
        _loaded = record;
        _touched = result.Touched;
        RestoreLoaded();
    }

    // Puts the session back to what was loaded (or to empty when nothing was): the start of the request's state.
    private void RestoreLoaded()
    {
        _entries.Clear();
        _size = 0;
        _id = _loadedId;
        _persisted = _loaded is not null;
        _record = _loaded;
        _lifetime = _loaded?.Lifetime;
        _userKey = _loaded?.UserKey;
        if (_loaded is null)
        {
            return;
        }

        foreach (var (key, bytes) in _loaded.Values)
        {
            _entries[key] = new Entry(bytes);
            _size += SessionSize.Of(key, bytes.Length);
        }
    }

    private void EnsureReadable()
    {
        switch (_state)
        {
            case State.Loaded:
            case State.Committed:
                return;
            case State.NotLoaded:
                throw new InvalidOperationException(
                    "The session has not been loaded yet, and it is never loaded by blocking. In SessionLoadMode.OnDemand, " +
                    "call 'await HttpContext.LoadSessionAsync()' (or take the session or a schema as an endpoint parameter) before reading it, " +
                    "or use SessionLoadMode.Eager so the middleware loads it before the endpoint.");
            case State.Unavailable:
                throw Unavailable();
            default:
                throw DisabledException();
        }
    }

    private void EnsureWritable()
    {
        if (_state == State.Committed)
        {
            throw new InvalidOperationException("The session was already saved for this request; later changes cannot be kept.");
        }

        EnsureClientCookieOpen();

        EnsureReadable();
        ThrowIfSuperseded();
    }

    private void ThrowIfSuperseded()
    {
        if (_superseded)
        {
            throw new SessionInterruptedException(
                "The request's session cookie is stale or ambiguous: it carried the id of a session that was cycled or flushed " +
                "moments ago (another request signed in, signed out or renewed it), or two session cookies with different values. " +
                "The session cannot be changed and no cookie is set. Retry with the browser's current cookie.");
        }
    }

    private SessionUnavailableException Unavailable()
        => new("The session store could not be reached, so this request's session is unavailable; nothing was read or written.", _unavailableReason);

    private static InvalidOperationException DisabledException()
        => new("Sessions are disabled for this endpoint (WithoutSession()).");

    // Two session cookies with different values: treated like a tombstoned id, so that the first write neither
    // adopts either value nor issues a fresh cookie that would replace the browser's real one.
    internal void RefuseChanges() => _superseded = true;

    internal bool NeedsLoad => _state == State.NotLoaded;

    internal SessionId? CookieId => _cookieId;

    internal SessionId? Id => _id;

    internal bool IsDisabled => _state == State.Disabled;

    internal bool WasTouched => _touched;

    internal void MarkCommitted() => _state = State.Committed;
}
