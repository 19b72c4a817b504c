namespace TypedSessions.Storage;

/// <summary>The outcome of <see cref="ISessionStore.LoadAsync"/>.</summary>
/// <param name="Record">The live record, or <see langword="null"/> when absent or expired.</param>
/// <param name="Touched">Whether the load slid the stored expiry.</param>
public readonly record struct SessionLoadResult(SessionRecord? Record, bool Touched)
{
    /// <summary>No live session under that key.</summary>
    public static SessionLoadResult NotFound => default;

    /// <summary>The key holds a tombstone: the session was cycled or flushed moments ago (see <see cref="ISessionStore"/>).</summary>
    public static SessionLoadResult Superseded => new(null, false) { IsSuperseded = true };

    /// <summary>Whether the key holds a tombstone (then <see cref="Record"/> is <see langword="null"/>).</summary>
    public bool IsSuperseded { get; init; }

    /// <summary>Loads <paramref name="record"/> as a store that keeps whole records would, applying the touch policy.</summary>
    /// <param name="record">The stored record, or <see langword="null"/>.</param>
    /// <param name="request">The load parameters.</param>
    /// <returns>The result; its record is the touched record when <see cref="Touched"/> is set (the caller persists it).</returns>
    public static SessionLoadResult From(SessionRecord? record, SessionLoadRequest request)
    {
        if (record is null || record.Lifetime.IsExpired(request.Now))
        {
            return NotFound;
        }

        if (record.IsTombstone)
        {
            return Superseded;
        }

        if (request.TouchThreshold is { } threshold && record.Lifetime.Touch(request.Now, threshold) is { } touched)
        {
            return new SessionLoadResult(record.WithLifetime(touched), true);
        }

        return new SessionLoadResult(record, false);
    }
}
