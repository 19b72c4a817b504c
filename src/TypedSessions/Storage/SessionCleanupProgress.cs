namespace TypedSessions.Storage;

/// <summary>Progress of <see cref="ISessionStore.DeleteExpiredAsync"/>.</summary>
/// <param name="Deleted">Sessions deleted so far.</param>
/// <param name="Total">Expired sessions found when the run started, or <see langword="null"/> when the store cannot tell cheaply.</param>
public readonly record struct SessionCleanupProgress(long Deleted, long? Total);
