using System.Collections.ObjectModel;

namespace TypedSessions.Storage;

/// <summary>
/// What one request changed in a session: only the keys it set or removed (and whether it cleared
/// the session), so two requests that change different keys both keep their writes.
/// </summary>
public sealed class SessionChangeSet
{
    private static readonly IReadOnlyDictionary<string, byte[]> NoValues =
        new ReadOnlyDictionary<string, byte[]>(new Dictionary<string, byte[]>(StringComparer.Ordinal));

    private static readonly IReadOnlyDictionary<string, byte[]?> NoExpectations =
        new ReadOnlyDictionary<string, byte[]?>(new Dictionary<string, byte[]?>(StringComparer.Ordinal));

    /// <summary>The instant of the save; a save slides the idle window as a touch does.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Whether every stored key is removed before <see cref="SetValues"/> apply.</summary>
    public bool ClearAll { get; init; }

    /// <summary>Keys to write, with their MessagePack-encoded values.</summary>
    public IReadOnlyDictionary<string, byte[]> SetValues { get; init; } = NoValues;

    /// <summary>Keys to remove.</summary>
    public IReadOnlyCollection<string> RemovedKeys { get; init; } = [];

    /// <summary>A new lifetime (the expiry was changed), or <see langword="null"/> to keep the stored one (slid by the write).</summary>
    public SessionLifetime? Lifetime { get; init; }

    /// <summary>Whether <see cref="UserKey"/> replaces the stored user binding.</summary>
    public bool UserKeyChanged { get; init; }

    /// <summary>The new user binding when <see cref="UserKeyChanged"/> is set.</summary>
    public string? UserKey { get; init; }

    /// <summary>
    /// Conflict detection: keys this request read and then wrote, each with the value it read
    /// (<see langword="null"/>: the key was absent). A store applies the change set only if every one of these keys
    /// still holds exactly that value (<see cref="FindConflict"/>); otherwise it writes nothing and reports
    /// <see cref="SessionWriteOutcome.Conflict"/>. Empty for blind writes and under
    /// <see cref="SessionConcurrencyMode.LastWriterWins"/>.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]?> ExpectedValues { get; init; } = NoExpectations;

    /// <summary>Whether the change set carries nothing but the slide of the idle window.</summary>
    public bool IsEmpty => !ClearAll && SetValues.Count == 0 && RemovedKeys.Count == 0 && Lifetime is null && !UserKeyChanged;

    /// <summary>
    /// The first key of <see cref="ExpectedValues"/> whose stored value differs from the expected one
    /// (present vs absent, or other bytes), or <see langword="null"/> when the change set may be applied.
    /// </summary>
    /// <param name="storedValues">The values stored now.</param>
    /// <returns>The conflicting key, or <see langword="null"/>.</returns>
    public string? FindConflict(IReadOnlyDictionary<string, byte[]> storedValues)
    {
        ArgumentNullException.ThrowIfNull(storedValues);
        foreach (var (key, expected) in ExpectedValues)
        {
            var present = storedValues.TryGetValue(key, out var stored);
            if (expected is null ? present : !present || !expected.AsSpan().SequenceEqual(stored))
            {
                return key;
            }
        }

        return null;
    }
}
