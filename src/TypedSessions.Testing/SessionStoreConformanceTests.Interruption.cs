using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

// Cycling, ending (tombstones) and conflict detection: what makes "a 2xx means stored" hold when requests race.
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>How long the tests' tombstones last: one minute.</summary>
    protected static TimeSpan TombstoneLifetime { get; } = TimeSpan.FromMinutes(1);

    private static SessionChangeSet Expecting(DateTimeOffset now, (string Key, byte[]? Value)[] expected, params (string Key, byte[] Value)[] values)
        => new()
        {
            Now = now,
            SetValues = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            ExpectedValues = expected.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
        };

    // ---- cycle ----------------------------------------------------------------------------------

    /// <summary>
    /// A cycle moves the record stored <em>now</em> — including a write another request committed after this one
    /// loaded — to the new key with this request's changes, and leaves a tombstone under the old key.
    /// </summary>
    [Fact]
    public async Task Cycle_moves_the_stored_record_with_writes_committed_meanwhile_and_applies_the_change_set()
    {
        var oldKey = NewKey();
        var record = NewRecord(null, ("cart", [1, 2]), ("theme", [3]));
        await Store.CreateAsync(oldKey, record);
        var now = T0 + TimeSpan.FromMinutes(1);

        // Another request commits after the cycling request loaded.
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(oldKey, Set(now, ("counter", [9]))));

        var newKey = NewKey();
        var changes = new SessionChangeSet
        {
            Now = now,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["user"] = [7] },
            RemovedKeys = ["theme"],
        };
        Assert.Equal(SessionWriteOutcome.Applied, await Store.CycleAsync(oldKey, newKey, changes, now + TombstoneLifetime));

        var expected = record.Apply(Set(now, ("counter", [9]))).Apply(changes);
        AssertSameRecord(expected, await LoadAsync(newKey, now));
        var old = await Store.LoadAsync(oldKey, new SessionLoadRequest(now, 0));
        Assert.Null(old.Record);
        Assert.True(old.IsSuperseded);
    }

    /// <summary>A cycle whose expected value changed, or of a missing or expired session, writes nothing under either key.</summary>
    [Fact]
    public async Task Cycle_that_conflicts_or_finds_no_session_writes_nothing()
    {
        var oldKey = NewKey();
        var record = NewRecord(null, ("n", [1]));
        await Store.CreateAsync(oldKey, record);
        var newKey = NewKey();

        var stale = Expecting(T0, [("n", [0])], ("n", [2]));
        Assert.Equal(SessionWriteOutcome.Conflict, await Store.CycleAsync(oldKey, newKey, stale, T0 + TombstoneLifetime));
        AssertSameRecord(record, await LoadAsync(oldKey, T0));
        Assert.Null(await LoadAsync(newKey, T0));

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.CycleAsync(NewKey(), newKey, Set(T0, ("x", [1])), T0 + TombstoneLifetime));
        Assert.Null(await LoadAsync(newKey, T0));

        var afterIdle = T0 + IdleTimeout;
        Assert.Equal(SessionWriteOutcome.NotFound, await Store.CycleAsync(oldKey, newKey, Set(afterIdle, ("x", [1])), afterIdle + TombstoneLifetime));
        Assert.Null(await LoadAsync(newKey, afterIdle));
        Assert.False((await Store.LoadAsync(oldKey, new SessionLoadRequest(afterIdle, null))).IsSuperseded);
    }

    /// <summary>The user binding moves with the cycle: revoking the user ends the new key, and the tombstone is bound to nobody.</summary>
    [Fact]
    public async Task Cycle_moves_the_user_binding_to_the_new_key()
    {
        if (Store is not ISessionUserIndex index)
        {
            return;
        }

        var oldKey = NewKey();
        await Store.CreateAsync(oldKey, Bound(NewRecord(null, ("a", [1])), "alice"));
        var newKey = NewKey();
        var bindBob = new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = "bob" };
        Assert.Equal(SessionWriteOutcome.Applied, await Store.CycleAsync(oldKey, newKey, bindBob, T0 + TombstoneLifetime));

        Assert.Equal(0, await index.RevokeUserAsync("alice"));
        Assert.True((await Store.LoadAsync(oldKey, new SessionLoadRequest(T0, null))).IsSuperseded);
        Assert.Equal(1, await index.RevokeUserAsync("bob"));
        Assert.Null(await LoadAsync(newKey, T0));
    }

    /// <summary>
    /// Atomicity: saves racing a cycle either land before it (and are carried to the new key) or find the tombstone, or
    /// (a store that cycles in steps and holds the session meanwhile, as Redis Cluster does) are told
    /// <see cref="SessionWriteOutcome.Conflict"/> with nothing written; none that reported
    /// <see cref="SessionWriteOutcome.Applied"/> is missing from the new key, and no other is in it.
    /// </summary>
    [Fact]
    public async Task Saves_racing_a_cycle_are_either_moved_with_it_or_told_they_were_superseded()
    {
        var oldKey = NewKey();
        await Store.CreateAsync(oldKey, NewRecord(null, ("owner", [1])));
        var newKey = NewKey();
        var writers = Math.Min(ConcurrentWriters, 40);
        using var start = new ManualResetEventSlim();

        var saves = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return (Key: "k" + i, Outcome: await Store.SaveAsync(oldKey, Set(T0, ("k" + i, [(byte)i]))).ConfigureAwait(false));
        })).ToList();
        var cycle = Task.Run(async () =>
        {
            start.Wait();
            await Task.Yield();
            return await Store.CycleAsync(oldKey, newKey, Set(T0, ("user", [42])), T0 + TombstoneLifetime).ConfigureAwait(false);
        });
        start.Set();
        var results = await Task.WhenAll(saves);

        Assert.Equal(SessionWriteOutcome.Applied, await cycle);
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { SessionWriteOutcome.Applied, SessionWriteOutcome.Superseded, SessionWriteOutcome.Conflict }));
        var moved = await LoadAsync(newKey, T0);
        Assert.NotNull(moved);
        Assert.Equal([42], moved.Values["user"]);
        if (Store.Capabilities.HasFlag(SessionStoreCapabilities.AtomicMerge))
        {
            var acknowledged = results.Where(r => r.Outcome == SessionWriteOutcome.Applied).Select(r => r.Key).ToList();
            Assert.All(acknowledged, key => Assert.True(moved.Values.ContainsKey(key), $"The acknowledged write of '{key}' is not in the cycled session."));
            Assert.Equal(acknowledged.Count + 2, moved.Values.Count);
        }
    }

    // ---- end and tombstones ---------------------------------------------------------------------

    /// <summary>Ending a live session leaves a tombstone; ending a missing one reports it; ending a tombstone leaves it.</summary>
    [Fact]
    public async Task End_replaces_a_live_session_with_a_tombstone()
    {
        var key = NewKey();
        await Store.CreateAsync(key, Bound(NewRecord(null, ("a", [1])), "alice"));

        Assert.Equal(SessionWriteOutcome.Applied, await Store.EndAsync(key, T0, T0 + TombstoneLifetime));
        Assert.Equal(SessionWriteOutcome.Superseded, await Store.EndAsync(key, T0, T0 + TombstoneLifetime));
        Assert.Equal(SessionWriteOutcome.NotFound, await Store.EndAsync(NewKey(), T0, T0 + TombstoneLifetime));

        var loaded = await Store.LoadAsync(key, new SessionLoadRequest(T0, 0));
        Assert.Null(loaded.Record);
        Assert.True(loaded.IsSuperseded);
        Assert.False(loaded.Touched);
        if (Store is ISessionUserIndex index)
        {
            Assert.Equal(0, await index.RevokeUserAsync("alice"));
        }
    }

    /// <summary>
    /// A tombstone grants nothing: no data, no save, no cycle, no touch, no create over it; it ends at its instant,
    /// after which the key is simply unknown (and cleanup removes it), and <see cref="ISessionStore.DeleteAsync"/> removes it at once.
    /// </summary>
    [Fact]
    public async Task A_tombstone_refuses_every_write_and_ends_at_its_instant()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("secret", [1])));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.EndAsync(key, T0, T0 + TombstoneLifetime));
        var during = T0 + TimeSpan.FromSeconds(30);

        Assert.Equal(SessionWriteOutcome.Superseded, await Store.SaveAsync(key, Set(during, ("x", [1]))));
        Assert.Equal(SessionWriteOutcome.Superseded, await Store.CycleAsync(key, NewKey(), Set(during), during + TombstoneLifetime));
        Assert.False(await Store.TouchAsync(key, during, 0));
        Assert.False(await Store.CreateAsync(key, NewRecord(during, ("planted", [1]))));
        Assert.True((await Store.LoadAsync(key, new SessionLoadRequest(during, 0))).IsSuperseded);

        var after = T0 + TombstoneLifetime;
        var gone = await Store.LoadAsync(key, new SessionLoadRequest(after, 0));
        Assert.Null(gone.Record);
        Assert.False(gone.IsSuperseded);
        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(after, ("x", [1]))));
        if (EnumeratesSessions)
        {
            Assert.Equal(1, await Store.DeleteExpiredAsync(after));
        }

        var other = NewKey();
        await Store.CreateAsync(other, NewRecord());
        await Store.EndAsync(other, T0, T0 + TombstoneLifetime);
        Assert.True(await Store.DeleteAsync(other));
        Assert.False((await Store.LoadAsync(other, new SessionLoadRequest(T0, null))).IsSuperseded);
    }

    /// <summary>A store with statistics does not count a tombstone as a live session.</summary>
    [Fact]
    public async Task Statistics_do_not_count_tombstones_as_live_sessions()
    {
        if (Store is not ISessionStoreStatistics statistics)
        {
            return;
        }

        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("a", [1])));
        await Store.CreateAsync(NewKey(), NewRecord(null, ("b", [2])));
        await Store.EndAsync(key, T0, T0 + TombstoneLifetime);

        Assert.Equal(1, (await statistics.GetStatisticsAsync(T0)).Live);
    }

    // ---- conflict detection ---------------------------------------------------------------------

    /// <summary>
    /// A save whose expected values all still hold is applied; one whose expected value changed (other bytes, or
    /// absent vs present either way) writes nothing at all, not even its other keys.
    /// </summary>
    [Fact]
    public async Task Save_checks_expected_values_and_a_conflict_writes_nothing()
    {
        var key = NewKey();
        var record = NewRecord(null, ("n", [1]), ("other", [5]));
        await Store.CreateAsync(key, record);

        var ok = Expecting(T0, [("n", [1]), ("absent", null)], ("n", [2]), ("absent", [1]));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, ok));
        var stored = record.Apply(ok);
        AssertSameRecord(stored, await LoadAsync(key, T0));

        foreach (var stale in new[]
        {
            Expecting(T0, [("n", [1])], ("n", [3]), ("free", [1])),
            Expecting(T0, [("absent", null)], ("absent", [2])),
            Expecting(T0, [("missing", [0])], ("missing", [2])),
            Expecting(T0, [("n", [2, 0])], ("n", [3])),
        })
        {
            Assert.Equal(SessionWriteOutcome.Conflict, await Store.SaveAsync(key, stale));
            AssertSameRecord(stored, await LoadAsync(key, T0));
        }
    }

    /// <summary>
    /// Read-modify-write under contention: writers that retry on <see cref="SessionWriteOutcome.Conflict"/> never lose
    /// an increment, when the store promises <see cref="SessionStoreCapabilities.AtomicMerge"/>.
    /// </summary>
    [Fact]
    public async Task Concurrent_read_modify_write_increments_that_retry_on_conflict_lose_nothing()
    {
        if (!Store.Capabilities.HasFlag(SessionStoreCapabilities.AtomicMerge))
        {
            return;
        }

        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("n", BitConverter.GetBytes(0))));
        var writers = Math.Min(ConcurrentWriters, 25);
        var conflicts = 0;
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var read = (await LoadAsync(key, T0).ConfigureAwait(false))!.Values["n"];
                var next = BitConverter.GetBytes(BitConverter.ToInt32(read) + 1);
                var outcome = await Store.SaveAsync(key, Expecting(T0, [("n", read)], ("n", next))).ConfigureAwait(false);
                if (outcome == SessionWriteOutcome.Applied)
                {
                    return;
                }

                Assert.Equal(SessionWriteOutcome.Conflict, outcome);
                Interlocked.Increment(ref conflicts);
            }

            Assert.Fail("An increment kept conflicting for 1,000 attempts.");
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        Assert.Equal(writers, BitConverter.ToInt32((await LoadAsync(key, T0))!.Values["n"]));
    }
}
