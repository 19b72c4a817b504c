using System.Diagnostics;
using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

/// <summary>
/// <see cref="PersistentSessionStoreConformanceTests"/> plus what a store whose backend can be down (a
/// database server, a cache server, a database file) must do: fail every operation quickly — with an
/// exception, never a hang and never an empty session — when the backend cannot be reached.
/// </summary>
public abstract class BackendSessionStoreConformanceTests : PersistentSessionStoreConformanceTests
{
    /// <summary>
    /// The bound within which a store whose backend is down must fail. Default 20 seconds: generous on
    /// purpose (this is a hang detector, not a benchmark); configure the store's own connect and
    /// command timeouts below it in <see cref="CreateUnavailableStoreAsync"/>.
    /// </summary>
    protected virtual TimeSpan FailureBound => TimeSpan.FromSeconds(20);

    /// <summary>
    /// Creates a store whose backend cannot be reached: a closed connection, a stopped server, a port
    /// nothing listens on, a folder that cannot exist.
    /// </summary>
    /// <returns>The store; it is disposed after the test.</returns>
    protected abstract Task<ISessionStore> CreateUnavailableStoreAsync();

    /// <summary>Every operation on a store whose backend is down throws within <see cref="FailureBound"/>.</summary>
    [Fact]
    public async Task A_store_whose_backend_is_down_fails_every_operation_quickly()
    {
        var key = NewKey();
        var operations = new (string Name, Func<ISessionStore, Task> Run)[]
        {
            ("LoadAsync", async s => await s.LoadAsync(key, new SessionLoadRequest(T0, 0.25)).ConfigureAwait(false)),
            ("CreateAsync", async s => await s.CreateAsync(key, NewRecord()).ConfigureAwait(false)),
            ("SaveAsync", async s => await s.SaveAsync(key, Set(T0, ("a", [1]))).ConfigureAwait(false)),
            ("TouchAsync", async s => await s.TouchAsync(key, T0, 0).ConfigureAwait(false)),
            ("DeleteAsync", async s => await s.DeleteAsync(key).ConfigureAwait(false)),
            ("DeleteExpiredAsync", async s => await s.DeleteExpiredAsync(T0).ConfigureAwait(false)),
        };

        ISessionStore? store = null;
        try
        {
            // A store that cannot enumerate (EnumeratesSessions false) does not call its backend to delete expired sessions.
            foreach (var (name, run) in operations.Where(o => EnumeratesSessions || o.Name != "DeleteExpiredAsync"))
            {
                var clock = Stopwatch.StartNew();
                var call = Task.Run(async () =>
                {
                    store ??= await CreateUnavailableStoreAsync().ConfigureAwait(false);
                    await run(store).ConfigureAwait(false);
                });
                var finished = await Task.WhenAny(call, Task.Delay(FailureBound));
                Assert.True(finished == call, $"{name} on an unavailable store had not failed after {FailureBound.TotalSeconds:0} s.");
                var error = await Record.ExceptionAsync(() => call);
                Assert.True(error is not null, $"{name} on an unavailable store succeeded.");
                Assert.False(error is SessionDataException, $"{name} reported an outage as corrupt data: {error}");
                Assert.True(clock.Elapsed < FailureBound, $"{name} took {clock.Elapsed}.");
            }
        }
        finally
        {
            if (store is not null)
            {
                await DisposeStoreAsync(store);
            }
        }
    }
}
