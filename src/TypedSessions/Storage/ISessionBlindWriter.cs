namespace TypedSessions.Storage;

/// <summary>
/// An optional capability of a <see cref="ISessionStore"/>: a save for a request that wrote keys without reading the
/// session (a blind write), so it costs one store call instead of a load and a save. The store applies the change set
/// as <see cref="ISessionStore.SaveAsync"/> does, but first checks the size the session would have against
/// <c>maxSize</c> (the caller never loaded the session, so only the store knows it), and returns the lifetime the
/// write left (the caller needs it for the cookie's expiry).
/// </summary>
/// <remarks>
/// TypedSessions uses it in <see cref="SessionLoadMode.OnDemand"/> when a request that carries a session cookie sets
/// values before (or without) loading its session. A store without it keeps working: the session is loaded first. The store also declares
/// <see cref="SessionStoreCapabilities.BlindWrites"/>; a decorator implements this interface and forwards that flag from
/// the store it wraps, so blind writes are used only when the store underneath has them.
/// </remarks>
public interface ISessionBlindWriter
{
    /// <summary>
    /// Applies <paramref name="changes"/> to the live session under <paramref name="key"/>, atomically and only if the
    /// values it would then hold (UTF-8 keys plus encoded values, as <see cref="SessionRecord.PayloadSize"/>) total at most
    /// <paramref name="maxSize"/> bytes. Outcomes as <see cref="ISessionStore.SaveAsync"/>, plus
    /// <see cref="SessionWriteOutcome.TooLarge"/>; nothing is written unless the outcome is
    /// <see cref="SessionWriteOutcome.Applied"/>.
    /// </summary>
    /// <param name="key">The store key.</param>
    /// <param name="changes">The keys set or removed (no clear, no user binding). A request that loaded only some keys
    /// (<see cref="ISessionKeyReader"/>) sends expectations too: a store that implements <see cref="ISessionKeyReader"/>
    /// must honour them as <see cref="ISessionStore.SaveAsync"/> does; one without it never receives any.</param>
    /// <param name="maxSize">The largest size the session may have after the write, in bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome and, when applied, the session's lifetime after the write.</returns>
    ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ISessionBlindWriter.SaveBlindAsync"/> did.</summary>
/// <param name="Outcome">Whether the change set was applied, or why not.</param>
/// <param name="Lifetime">The session's lifetime after the write when it was applied; otherwise <see langword="null"/>.</param>
public readonly record struct SessionBlindWriteResult(SessionWriteOutcome Outcome, SessionLifetime? Lifetime);
