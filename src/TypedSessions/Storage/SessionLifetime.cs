namespace TypedSessions.Storage;

/// <summary>
/// The expiry state of a stored session: when it ends and how that instant moves.
/// </summary>
/// <param name="Mode">The expiry variant in force.</param>
/// <param name="ExpiresAt">The instant the session ends unless it is touched; what stores index and expire on.</param>
/// <param name="AbsoluteExpiresAt">The hard cap no touch moves past, or <see langword="null"/> when there is none.</param>
/// <param name="IdleTimeout">The sliding window, or <see langword="null"/> when the session does not slide.</param>
public readonly record struct SessionLifetime(
    SessionExpiryMode Mode,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? AbsoluteExpiresAt,
    TimeSpan? IdleTimeout)
{
    /// <summary>Whether the session has ended at <paramref name="now"/>.</summary>
    /// <param name="now">The current instant.</param>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>
    /// Slides the idle window: returns the lifetime after a touch at <paramref name="now"/>, or
    /// <see langword="null"/> when a touch is not due. A touch is due only when it would move
    /// <see cref="ExpiresAt"/> forward by at least <paramref name="threshold"/> of the idle window,
    /// so a busy session is not rewritten on every request.
    /// </summary>
    /// <param name="now">The current instant.</param>
    /// <param name="threshold">Share of the idle window (0 to 1) the expiry must move by; 0 touches whenever it moves at all.</param>
    public SessionLifetime? Touch(DateTimeOffset now, double threshold)
    {
        if (IdleTimeout is not { } idle || IsExpired(now))
        {
            return null;
        }

        var proposed = now + idle;
        if (AbsoluteExpiresAt is { } cap && proposed > cap)
        {
            proposed = cap;
        }

        var gain = proposed - ExpiresAt;
        if (gain <= TimeSpan.Zero || gain < idle * threshold)
        {
            return null;
        }

        return this with { ExpiresAt = proposed };
    }

    /// <summary>Computes a lifetime for a session created at <paramref name="createdAt"/>, as of <paramref name="now"/>.</summary>
    /// <param name="mode">The expiry variant.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="createdAt">When the session was created (the absolute timeout counts from here).</param>
    /// <param name="defaultIdleTimeout">The configured idle timeout, or <see langword="null"/> for none.</param>
    /// <param name="absoluteTimeout">The configured absolute timeout, or <see langword="null"/> for none.</param>
    /// <param name="relativeIdle">For <see cref="SessionExpiryMode.Relative"/>: the idle window.</param>
    /// <param name="absoluteAt">For <see cref="SessionExpiryMode.Absolute"/>: the end instant.</param>
    public static SessionLifetime Compute(
        SessionExpiryMode mode,
        DateTimeOffset now,
        DateTimeOffset createdAt,
        TimeSpan? defaultIdleTimeout,
        TimeSpan? absoluteTimeout,
        TimeSpan? relativeIdle = null,
        DateTimeOffset? absoluteAt = null)
    {
        DateTimeOffset? cap = absoluteTimeout is { } a ? createdAt + a : null;
        switch (mode)
        {
            case SessionExpiryMode.Absolute:
                {
                    var end = absoluteAt ?? throw new ArgumentNullException(nameof(absoluteAt));
                    if (cap is { } c && c < end)
                    {
                        end = c;
                    }

                    return new SessionLifetime(mode, end, end, null);
                }

            case SessionExpiryMode.Relative:
                {
                    var idle = relativeIdle ?? throw new ArgumentNullException(nameof(relativeIdle));
                    return new SessionLifetime(mode, Min(now + idle, cap), cap, idle);
                }

            case SessionExpiryMode.Default:
            case SessionExpiryMode.BrowserClose:
                {
                    if (defaultIdleTimeout is { } idle)
                    {
                        return new SessionLifetime(mode, Min(now + idle, cap), cap, idle);
                    }

                    var end = cap ?? throw new InvalidOperationException("Either an idle timeout or an absolute timeout must be configured.");
                    return new SessionLifetime(mode, end, end, null);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown expiry mode.");
        }
    }

    private static DateTimeOffset Min(DateTimeOffset value, DateTimeOffset? cap)
        => cap is { } c && c < value ? c : value;
}
