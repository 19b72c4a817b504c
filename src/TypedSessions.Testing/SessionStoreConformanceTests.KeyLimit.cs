using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

public abstract partial class SessionStoreConformanceTests
{
    // ---- the most keys a load accepts --------------------------------------------------------------------------------

    /// <summary>
    /// The most keys the store under test loads: its <see cref="SessionEnvelopeLimits.MaxKeys"/> (by default
    /// <see cref="SessionEnvelopeLimits.Default"/>'s). Override when the store is configured with other limits.
    /// </summary>
    protected virtual int MaxKeys => SessionEnvelopeLimits.Default.MaxKeys;

    // A session holding "k0" … "k{count - 1}", one byte each.
    private SessionRecord RecordWithKeys(int count)
        => NewRecord(null, [.. Enumerable.Range(0, count).Select(i => ("k" + i, new[] { (byte)i }))]);

    /// <summary>
    /// A write that would give the session more keys than the store loads writes nothing and reports
    /// <see cref="SessionWriteOutcome.TooLarge"/> — a save, a cycle (neither key written) and a blind save alike — so the
    /// session stays readable. The count is of the session as stored with the changes applied: overwriting a stored key
    /// adds none, removing one makes room, a key both removed and set counts once.
    /// </summary>
    [Fact]
    public async Task A_write_past_the_most_keys_a_load_accepts_is_refused_and_the_session_still_loads()
    {
        var key = NewKey();
        var created = RecordWithKeys(MaxKeys - 1);
        Assert.True(await Store.CreateAsync(key, created));

        // Two new keys: one too many.
        Assert.Equal(SessionWriteOutcome.TooLarge, await Store.SaveAsync(key, Set(T0, ("a", [1]), ("b", [2]))));
        var unchanged = await LoadAsync(key, T0);
        Assert.NotNull(unchanged);
        Assert.Equal(MaxKeys - 1, unchanged.Values.Count);
        Assert.False(unchanged.Values.ContainsKey("a"));
        Assert.Equal(created.Version, unchanged.Version);

        // The same two with a stored key removed, another overwritten, and one removed and set again: exactly the limit.
        var toLimit = new SessionChangeSet
        {
            Now = T0,
            RemovedKeys = ["k0", "k2", "absent"],
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["a"] = [1], ["b"] = [2], ["k1"] = [9], ["k2"] = [8] },
        };
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, toLimit));
        var full = await LoadAsync(key, T0);
        Assert.NotNull(full);
        Assert.Equal(MaxKeys, full.Values.Count);
        Assert.Equal([9], full.Values["k1"]);
        Assert.Equal([8], full.Values["k2"]);

        // At the limit: overwriting is fine, one more key is not — by a save, a cycle or a blind save.
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, Set(T0, ("k3", [7]))));
        Assert.Equal(SessionWriteOutcome.TooLarge, await Store.SaveAsync(key, Set(T0, ("c", [3]))));
        var newKey = NewKey();
        Assert.Equal(SessionWriteOutcome.TooLarge, await Store.CycleAsync(key, newKey, Set(T0, ("c", [3])), T0 + TimeSpan.FromMinutes(1)));
        Assert.Null(await LoadAsync(newKey, T0));
        if (BlindWriter is { } writer)
        {
            Assert.Equal(SessionWriteOutcome.TooLarge, (await writer.SaveBlindAsync(key, Set(T0, ("c", [3])), long.MaxValue)).Outcome);
        }

        var after = await LoadAsync(key, T0);
        Assert.NotNull(after);
        Assert.Equal(MaxKeys, after.Values.Count);
        Assert.False(after.Values.ContainsKey("c"));
        Assert.Equal([7], after.Values["k3"]);
        Assert.Equal(created.Version + 2, after.Version);

        // A clear makes room for as many keys as it sets; a cycle under the limit moves the session.
        var replaced = new SessionChangeSet { Now = T0, ClearAll = true, SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["c"] = [3] } };
        Assert.Equal(SessionWriteOutcome.Applied, await Store.CycleAsync(key, newKey, replaced, T0 + TimeSpan.FromMinutes(1)));
        Assert.Equal("c", Assert.Single((await LoadAsync(newKey, T0))!.Values.Keys));
    }

    /// <summary>
    /// Requests that each add a key to a session near the limit, at once: with
    /// <see cref="SessionStoreCapabilities.AtomicMerge"/> exactly as many as there is room for are applied, the rest are
    /// <see cref="SessionWriteOutcome.TooLarge"/>, every applied key is stored, and the session loads. (Without atomic
    /// merge every outcome is Applied or TooLarge and the session still loads.)
    /// </summary>
    [Fact]
    public async Task Concurrent_saves_that_each_add_a_key_never_together_pass_the_most_keys_a_load_accepts()
    {
        const int room = 3;
        const int writers = 12;
        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, RecordWithKeys(MaxKeys - room)));
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Store.SaveAsync(key, Set(T0, ("new" + i, [(byte)i]))).ConfigureAwait(false);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r is SessionWriteOutcome.Applied or SessionWriteOutcome.TooLarge, r.ToString()));
        var loaded = await LoadAsync(key, T0);
        Assert.NotNull(loaded);
        Assert.InRange(loaded.Values.Count, MaxKeys - room, MaxKeys);
        if (Store.Capabilities.HasFlag(SessionStoreCapabilities.AtomicMerge))
        {
            Assert.Equal(room, results.Count(r => r == SessionWriteOutcome.Applied));
            Assert.Equal(MaxKeys, loaded.Values.Count);
            Assert.All(
                Enumerable.Range(0, writers).Where(i => results[i] == SessionWriteOutcome.Applied),
                i => Assert.Equal([(byte)i], loaded.Values["new" + i]));
        }
    }
}
