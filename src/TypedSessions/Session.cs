using TypedSessions.Core;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions;

/// <summary>
/// One session as a request (or a background job) sees it: the untyped API (Django's <c>request.session</c>).
/// Values are stored as MessagePack per key, decoded once and cached. Changes are committed as a per-key change set
/// (by the middleware after the endpoint, or by <see cref="ISessionManager.SaveAsync"/> outside a request). Not
/// thread-safe: use it from one flow at a time.
/// </summary>
public sealed partial class Session
{
    private readonly ISessionBackend _backend;
    private readonly SessionEnvironment _env;
    private readonly SessionId? _cookieId;
    private Phase _phase;
    private Task? _loading;
    private Exception? _unavailableReason;

    // This request's view: values and what changed, id, lifetime, user, the stored session to move from or end.
    private SessionState _state;

    // What the store held when this request loaded it (never reset: conflict checks and DiscardChanges compare with it).
    private SessionId? _loadedId;
    private SessionRecord? _loaded;

    // The keys _loaded holds when this request loaded only some (LoadKeysAsync); null once the whole session is loaded.
    private HashSet<string>? _loadedKeys;
    private bool _touched;

    // The request carried the id of a session cycled or flushed moments ago (a tombstone): empty and read-only.
    private bool _superseded;

    internal Session(ISessionBackend backend, SessionId? cookieId, bool disabled = false)
    {
        _backend = backend;
        _env = backend.Environment;
        _cookieId = cookieId;
        _phase = disabled ? Phase.Disabled : cookieId is null ? Phase.Loaded : Phase.NotLoaded;
        _state = _phase == Phase.Loaded ? SessionState.Loaded(null, null) : SessionState.Unloaded;
    }

    private enum Phase
    {
        NotLoaded,
        Loaded,
        Unavailable,
        Disabled,
        Committed,
    }

    /// <summary>Whether the session's data is in memory (loaded, or there was nothing to load); <see langword="false"/> while only some keys are loaded.</summary>
    public bool IsLoaded => _phase is Phase.Loaded or Phase.Committed && _state.LoadedKeys is null;

    /// <summary>
    /// Whether only some keys of the session are loaded (<see cref="LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>):
    /// those can be read, any key can be set, and what needs every key throws until <see cref="LoadAsync"/> loads the rest.
    /// </summary>
    public bool IsPartiallyLoaded => _phase is Phase.Loaded or Phase.Committed && _state.LoadedKeys is not null;

    /// <summary>
    /// <see langword="false"/> when loading failed and the app chose <see cref="StoreFailurePolicy.ContinueUnavailable"/>:
    /// every read or write then throws <see cref="SessionUnavailableException"/>.
    /// </summary>
    public bool IsAvailable => _phase != Phase.Unavailable;

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
            return !_state.Persisted;
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
            return _state.Record?.CreatedAt;
        }
    }

    /// <summary>
    /// Increments on every change made through this instance; typed wrappers use it to know their
    /// cached values are still current.
    /// </summary>
    public int ChangeStamp { get; private set; }

    /// <summary>
    /// Loads the session from the store if that has not happened yet (one store call, which also
    /// slides the expiry when due). Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the load.</param>
    /// <exception cref="SessionUnavailableException">The store failed or timed out.</exception>
    /// <remarks>After <see cref="LoadKeysAsync(IEnumerable{string}, CancellationToken)"/> it loads the rest: the keys loaded
    /// then keep the values this request read (so a write of one is still checked against what it read), the others are
    /// read as stored now, and this request's changes stay.</remarks>
    /// <exception cref="SessionInterruptedException">Only some keys were loaded, and the session has since been ended or cycled by another request.</exception>
    public async ValueTask LoadAsync(CancellationToken cancellationToken = default)
    {
        switch (_phase)
        {
            case Phase.Disabled:
                throw DisabledException();
            case Phase.NotLoaded:
                await LoadOrMarkUnavailableAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
        }

        if (_phase is Phase.Loaded or Phase.Committed && _state.LoadedKeys is not null)
        {
            // Not abandoned on cancellation: it changes the session when it completes (the store call is bounded by StoreTimeout).
            cancellationToken.ThrowIfCancellationRequested();
            await WidenAsync().ConfigureAwait(false);
        }

        ThrowIfUnavailableUnderPolicy();
    }

    /// <summary>
    /// Loads the session's metadata and the values of <paramref name="keys"/> only, instead of every value: one store
    /// call that transfers only those values (on a store with <see cref="ISessionKeyReader"/>, such as Redis and the
    /// in-memory store; elsewhere the whole session is loaded). Afterwards the loaded keys can be read, any key can be
    /// set, and a loaded key removed; the store checks the size limit when the changes are saved, and each key read
    /// and then written is checked against what was read, as always. What needs every key (<see cref="Keys"/>,
    /// <see cref="Count"/>, <see cref="Size"/>, <see cref="Clear"/>, <see cref="CycleId"/>, <see cref="SignIn"/>, a
    /// new expiry, <see cref="BindUser"/>) throws until <see cref="LoadAsync"/> loads the rest. Loading more keys
    /// later is one more store call for the new ones. Does nothing once the whole session is loaded.
    /// </summary>
    /// <param name="keys">The keys to load.</param>
    /// <param name="cancellationToken">Cancels waiting for the load.</param>
    /// <exception cref="SessionUnavailableException">The store failed or timed out (loading more keys: whatever the failure policy; the keys loaded before stay readable).</exception>
    /// <exception cref="SessionInterruptedException">Keys were loaded before, and the session has since been ended or cycled by another request.</exception>
    /// <remarks>
    /// What was not loaded is not validated: a stored session whose other values are corrupt loads here, where a whole
    /// load would report it (and treat it as absent), as a blind write does. The metadata (expiry, user) stays as first
    /// loaded when more keys are loaded later. Cancellation is observed before each store call, not during one.
    /// </remarks>
    public async ValueTask LoadKeysAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ValidateKey(key);
            names.Add(key);
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("Name at least one key to load.", nameof(keys));
        }

        // The framework's device record (active sessions) rides along, so refreshing it never replaces one not loaded.
        names.Add(ActiveSessions.SessionClientInfo.Key);
        switch (_phase)
        {
            case Phase.Disabled:
                throw DisabledException();
            case Phase.NotLoaded:
                var load = _loading ??= LoadCoreAsync(_backend.SupportsKeyReads ? names : null);
                await load.WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
        }

        if (_phase is Phase.Loaded or Phase.Committed && _state.LoadedKeys is { } loaded && !names.IsSubsetOf(loaded))
        {
            names.ExceptWith(loaded);

            // Not abandoned on cancellation: it changes the session when it completes (the store call is bounded by StoreTimeout).
            cancellationToken.ThrowIfCancellationRequested();
            await LoadMoreKeysAsync(names).ConfigureAwait(false);
        }

        ThrowIfUnavailableUnderPolicy();
    }

    /// <inheritdoc cref="LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>
    public ValueTask LoadKeysAsync(params string[] keys) => LoadKeysAsync(keys, CancellationToken.None);

    // Under ContinueUnavailable the endpoint runs on; the session's reads and writes throw instead.
    private void ThrowIfUnavailableUnderPolicy()
    {
        if (_phase == Phase.Unavailable && _env.Options.FailurePolicy == StoreFailurePolicy.ServiceUnavailable)
        {
            throw Unavailable();
        }
    }

    internal Task LoadOrMarkUnavailableAsync() => _loading ??= LoadCoreAsync();

    // The first load: the whole session, or (names given) its metadata and those keys.
    private async Task LoadCoreAsync(HashSet<string>? names = null)
    {
        try
        {
            var result = names is null
                ? await _backend.LoadAsync(_cookieId!).ConfigureAwait(false)
                : await _backend.LoadKeysAsync(_cookieId!, names).ConfigureAwait(false);
            Adopt(_cookieId!, result, names);

            // After a blind save the loaded session already holds this request's writes, and it cannot change any more.
            _phase = _blindSaved ? Phase.Committed : Phase.Loaded;
            ReplayBlindWrites();
        }
        catch (SessionUnavailableException ex)
        {
            _unavailableReason = ex;
            _phase = Phase.Unavailable;
        }
    }

    // More keys of a session loaded in part: their values join what was loaded (the metadata stays as first loaded).
    private async Task LoadMoreKeysAsync(HashSet<string> names)
    {
        var result = await _backend.LoadKeysAsync(_loadedId!, names).ConfigureAwait(false);
        var record = result.Record ?? throw EndedMeanwhile();
        var values = new Dictionary<string, byte[]>(_loaded!.Values, StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (record.Values.TryGetValue(name, out var bytes))
            {
                values[name] = bytes;
            }
        }

        _loaded = new SessionRecord(values, _loaded.CreatedAt, _loaded.Lifetime, _loaded.Version, _loaded.UserKey);
        _loadedKeys!.UnionWith(names);
        _touched |= result.Touched;
        _state.AddLoaded(names, record.Values);
    }

    // The rest of a session loaded in part: stored values for the keys not loaded yet, this request's for the others.
    private async Task WidenAsync()
    {
        var result = await _backend.LoadAsync(_loadedId!).ConfigureAwait(false);
        var stored = result.Record ?? throw EndedMeanwhile();
        var values = new Dictionary<string, byte[]>(stored.Values, StringComparer.Ordinal);
        foreach (var key in _loadedKeys!)
        {
            if (_loaded!.Values.TryGetValue(key, out var read))
            {
                values[key] = read;
            }
            else
            {
                values.Remove(key);
            }
        }

        _loaded = new SessionRecord(values, stored.CreatedAt, stored.Lifetime, stored.Version, stored.UserKey);
        _loadedKeys = null;
        _touched |= result.Touched;
        _state = _state.Widen(_loadedId!, _loaded);
    }

    private static SessionInterruptedException EndedMeanwhile()
        => new("The session was ended, cycled or expired by another request while this one was loading it in parts; " +
            "nothing more was loaded. Retry with the browser's current cookie.");

    /// <summary>Takes <paramref name="result"/> as what the backend holds for <paramref name="id"/> (a load, or a transport that carries the data).</summary>
    /// <param name="id">The id loaded.</param>
    /// <param name="result">What was loaded.</param>
    /// <param name="loadedKeys">The keys the record was loaded for, when it holds only some.</param>
    internal void Adopt(SessionId id, SessionLoadResult result, IEnumerable<string>? loadedKeys = null)
    {
        _superseded = result.IsSuperseded;
        if (result.Record is not { } record)
        {
            if (ReferenceEquals(_state, SessionState.Unloaded))
            {
                _state = SessionState.Loaded(null, null);
            }

            return;
        }

        _loadedId = id;
        _loaded = record;
        _touched = result.Touched;
        _state = SessionState.Loaded(id, record, loadedKeys: loadedKeys);
        _loadedKeys = _state.LoadedKeys is { } keys ? new HashSet<string>(keys, StringComparer.Ordinal) : null;
    }

    private void EnsureReadable()
    {
        switch (_phase)
        {
            case Phase.Loaded:
            case Phase.Committed:
                return;
            case Phase.NotLoaded:
                throw new InvalidOperationException(
                    "The session has not been loaded yet, and it is never loaded by blocking. In SessionLoadMode.OnDemand, " +
                    "call 'await HttpContext.LoadSessionAsync()' (or take the session or a schema as an endpoint parameter) before reading it, " +
                    "or use SessionLoadMode.Eager so the middleware loads it before the endpoint.");
            case Phase.Unavailable:
                throw Unavailable();
            default:
                throw DisabledException();
        }
    }

    private void EnsureWritable()
    {
        if (_phase == Phase.Committed)
        {
            throw new InvalidOperationException(
                "The session was already saved for this request (its response has started); later changes cannot be kept. " +
                "Change the session before writing to the response body.");
        }

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

    /// <summary>Throws the load's failure when the backend could not be reached (whatever the failure policy).</summary>
    internal void ThrowIfUnavailable()
    {
        if (_phase == Phase.Unavailable)
        {
            throw Unavailable();
        }
    }

    internal ISessionBackend Backend => _backend;

    internal bool NeedsLoad => _phase == Phase.NotLoaded;

    internal bool IsDisabled => _phase == Phase.Disabled;

    internal bool IsCommitted => _phase == Phase.Committed || _blindSaved;

    // The bound user, read for the framework without counting as an access of the session.
    internal string? BoundUserKey => _state.UserKey;

    // Loaded, not saved yet, not a superseded (read-only) session: a change now would be committed.
    internal bool IsWritable => _phase == Phase.Loaded && !_superseded;

    internal SessionId? CookieId => _cookieId;

    internal SessionId? Id => _state.Id;

    internal bool WasTouched => _touched;

    internal bool IdChanged => _state.IdChanged;

    internal bool LifetimeChanged => _state.LifetimeChanged;

    internal SessionLifetime? Lifetime => _state.Lifetime;

    internal bool WasFlushed => _state.Flushed;
}
