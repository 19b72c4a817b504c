namespace TypedSessions.Storage;

/// <summary>
/// Optional: implemented by stores that can check, cheaply and without touching any session, that they can
/// serve requests now (a <c>PING</c>, a trivial query, a writable folder). The health check added by
/// <c>AddHealthChecks().AddTypedSessionsStore()</c> calls it; a store without it is probed with a load of a key
/// no session has.
/// </summary>
/// <remarks>
/// The caller bounds the call with a timeout (and runs it on the thread pool unless the store declares
/// <see cref="SessionStoreCapabilities.NeverBlocksCaller"/>), so an implementation need not add its own. It must
/// not read, write or extend any session.
/// </remarks>
public interface ISessionStoreHealth
{
    /// <summary>Checks that the store's backend answers; completes when it does.</summary>
    /// <param name="cancellationToken">Cancels the check (the caller's timeout).</param>
    /// <returns>A task that completes when the backend is reachable and usable.</returns>
    /// <exception cref="Exception">Any exception, with a message that says what is wrong, when it is not.</exception>
    ValueTask CheckHealthAsync(CancellationToken cancellationToken = default);
}
