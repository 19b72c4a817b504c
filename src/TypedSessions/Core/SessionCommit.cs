using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Core;

/// <summary>
/// What one request's commit asks of its backend, read from the request's <see cref="SessionState"/>: move the
/// stored session to a new id (<see cref="CycleFrom"/>), save a per-key change set, create a new session, and end
/// the stored one (<see cref="EndId"/>). Which of these apply, and in which order, the backend decides.
/// </summary>
internal sealed class SessionCommit
{
    private static readonly IReadOnlyDictionary<string, byte[]?> NoExpectedValues = new Dictionary<string, byte[]?>(StringComparer.Ordinal);

    private readonly SessionState _state;
    private readonly SessionRecord? _loaded;
    private readonly bool _detectConflicts;

    internal SessionCommit(SessionState state, SessionRecord? loaded, bool isModified, bool touched, DateTimeOffset now, bool detectConflicts)
    {
        _state = state;
        _loaded = loaded;
        _detectConflicts = detectConflicts;
        IsModified = isModified;
        Touched = touched;
        Now = now;
    }

    /// <summary>The live id after the commit; <see langword="null"/> when no session remains.</summary>
    public SessionId? Id => _state.Id;

    /// <summary>The stored session moved to <see cref="Id"/> (with this request's changes) in one operation.</summary>
    public SessionId? CycleFrom => _state.CycleFrom;

    /// <summary>The stored session to end (flushed).</summary>
    public SessionId? EndId => _state.EndId;

    /// <summary>Whether <see cref="Id"/> names a stored session (save a change set) rather than a new one (create).</summary>
    public bool Persisted => _state.Persisted;

    /// <summary>Whether the request changed anything.</summary>
    public bool IsModified { get; }

    /// <summary>Whether the load slid the expiry.</summary>
    public bool Touched { get; }

    /// <summary>The commit's instant.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>
    /// Whether the request loaded only some keys (<see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>):
    /// <see cref="Size"/> counts those alone, so the store checks the limit when it saves.
    /// </summary>
    public bool IsPartial => _state.LoadedKeys is not null;

    /// <summary>The session's size after the request.</summary>
    public long Size => _state.Size;

    /// <summary>Whether a new session has anything worth storing: values, a chosen expiry or a user.</summary>
    public bool HasContent => _state.Entries.Count > 0 || _state.LifetimeChanged || _state.UserKey is not null;

    /// <summary>The lifetime in force.</summary>
    public SessionLifetime Lifetime => _state.Lifetime ?? throw new InvalidOperationException("A session with an id always has a lifetime.");

    /// <summary>The user the session is bound to.</summary>
    public string? UserKey => _state.UserKey;

    /// <summary>The record the request started from, when there was one (its creation time and version).</summary>
    public SessionRecord? Record => _state.Record;

    /// <summary>The user the stored session was bound to when this request loaded it (what a flush ends, for its event).</summary>
    public string? LoadedUserKey => _loaded?.UserKey;

    /// <summary>Every value as it stands, key to bytes (for a backend that writes the whole session).</summary>
    public Dictionary<string, byte[]> Values() => _state.Values();

    /// <summary>
    /// The per-key change set against the stored session, with the stored bytes of every key this request read and
    /// then wrote as expectations (under <see cref="SessionConcurrencyMode.DetectConflicts"/>).
    /// </summary>
    public SessionChangeSet ChangeSet()
    {
        Dictionary<string, byte[]?>? expected = null;
        if (_detectConflicts && _loaded is not null)
        {
            foreach (var key in _state.ReadKeys)
            {
                if (_state.SetKeys.Contains(key) || _state.RemovedKeys.Contains(key))
                {
                    expected ??= new Dictionary<string, byte[]?>(StringComparer.Ordinal);
                    expected[key] = _loaded.Values.TryGetValue(key, out var bytes) ? bytes : null;
                }
            }
        }

        return new SessionChangeSet
        {
            Now = Now,
            ClearAll = _state.Cleared,
            SetValues = _state.SetKeys.ToDictionary(k => k, k => _state.Entries[k].Bytes, StringComparer.Ordinal),
            RemovedKeys = [.. _state.RemovedKeys],
            Lifetime = _state.LifetimeChanged ? _state.Lifetime : null,
            UserKeyChanged = _state.UserKeyChanged,
            UserKey = _state.UserKey,
            ExpectedValues = expected ?? NoExpectedValues,
        };
    }
}
