using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

/// <summary>
/// <see cref="SessionStoreConformanceTests"/> plus what a store that keeps sessions as data outside the
/// process (files, a database, a cache server) must also do: report stored data it cannot read as
/// <see cref="SessionDataException"/>, never as an absent or empty session. Stores whose backend can be
/// down (a server, a database) subclass <see cref="BackendSessionStoreConformanceTests"/>.
/// </summary>
public abstract class PersistentSessionStoreConformanceTests : SessionStoreConformanceTests
{
    /// <summary>
    /// Overwrites what the store keeps for <paramref name="key"/> (a session created by the test) with
    /// bytes it cannot decode — garbage in place of the envelope, an unknown format version, a
    /// metadata field that is not a number, and so on.
    /// </summary>
    /// <param name="store">The store under test.</param>
    /// <param name="key">The session's key.</param>
    /// <returns>A task.</returns>
    protected abstract Task CorruptAsync(ISessionStore store, string key);

    /// <summary>A record the store cannot decode is reported as <see cref="SessionDataException"/>, not as absent or empty.</summary>
    [Fact]
    public async Task A_corrupt_stored_session_is_reported_as_SessionDataException()
    {
        var key = NewKey();
        var other = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("a", [1]))));
        Assert.True(await Store.CreateAsync(other, NewRecord(null, ("b", [2]))));

        await CorruptAsync(Store, key);

        await Assert.ThrowsAsync<SessionDataException>(async () => await Store.LoadAsync(key, new SessionLoadRequest(T0, null)));
        await Assert.ThrowsAsync<SessionDataException>(async () => await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromMinutes(10), 0.25)));
        Assert.NotNull(await LoadAsync(other, T0));
    }
}
