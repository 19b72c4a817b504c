namespace TypedSessions.Storage;

/// <summary>Parameters of <see cref="ISessionStore.LoadAsync"/>.</summary>
/// <param name="Now">The current instant: records expired at this instant are absent.</param>
/// <param name="TouchThreshold">When set, slide the expiry in the same call if due (see <see cref="SessionLifetime.Touch"/>); <see langword="null"/> loads without touching.</param>
public readonly record struct SessionLoadRequest(DateTimeOffset Now, double? TouchThreshold);
