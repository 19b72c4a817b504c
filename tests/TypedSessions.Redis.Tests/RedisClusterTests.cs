using System.Security.Cryptography;
using StackExchange.Redis;
using TypedSessions.Storage;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary>
/// The Redis store on the 6-node Redis Cluster tests/servers.sh starts (3 primaries, 3 replicas,
/// <c>TYPEDSESSIONS_TEST_REDIS_CLUSTER</c>): sessions and user indexes spread over every primary, a revoke and a listing
/// across hash slots, cleanup and statistics by SCAN on each primary, and the cycle, which a cluster cannot run as one
/// script, done in steps that lose no acknowledged write when saves race it.
/// </summary>
public sealed class RedisClusterTests : IAsyncLifetime
{
    private readonly DateTimeOffset _t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private readonly string _prefix = TestRedis.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestRedis.DeleteClusterPrefixAsync(_prefix);

    [Fact]
    public async Task Sessions_of_one_user_spread_over_every_primary_and_a_revoke_ends_exactly_them()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        var alice = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var key = Key();
            Assert.True(await store.CreateAsync(key, Record("alice")));
            alice.Add(key);
        }

        var bob = Key();
        Assert.True(await store.CreateAsync(bob, Record("bob")));

        // The sessions are on all three primaries; the index is one key, in a slot most of them are not in.
        var primaries = await PrimariesHoldingAsync(connection);
        Assert.Equal(3, primaries.Count);
        var indexSlot = connection.HashSlot(store.UserIndexKeyFor("alice"));
        Assert.Contains(alice, k => connection.HashSlot(store.RedisKeyFor(k)) != indexSlot);
        Assert.Equal(alice.Order(StringComparer.Ordinal), (await store.ListUserSessionKeysAsync("alice", _t0)).Order(StringComparer.Ordinal));

        Assert.Equal(30, await store.RevokeUserAsync("alice"));
        foreach (var key in alice)
        {
            Assert.Null((await store.LoadAsync(key, new(_t0, null))).Record);
        }

        Assert.NotNull((await store.LoadAsync(bob, new(_t0, null))).Record);
        Assert.Empty(await store.ListUserSessionKeysAsync("alice", _t0));
    }

    [Fact]
    public async Task Cleanup_and_statistics_scan_every_primary()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix, batchSize: 7);
        for (var i = 0; i < 24; i++)
        {
            Assert.True(await store.CreateAsync(Key(), Record(null)));
        }

        for (var i = 0; i < 9; i++)
        {
            Assert.True(await store.CreateAsync(Key(), Record("carol", value: new byte[40])));
        }

        Assert.Equal(3, (await PrimariesHoldingAsync(connection)).Count);

        // By an instant 30 minutes on, the 24 short sessions (20-minute idle window) have expired, the 9 long ones not.
        var later = _t0 + TimeSpan.FromMinutes(30);
        var before = await store.GetStatisticsAsync(later);
        Assert.Equal((9L, 24L), (before.Live, before.Expired));
        Assert.Equal(24, await store.DeleteExpiredAsync(later));
        var after = await store.GetStatisticsAsync(later);
        Assert.Equal((9L, 0L), (after.Live, after.Expired));
    }

    [Fact]
    public async Task A_cycle_moves_the_session_to_a_key_in_another_slot_with_its_changes_and_its_index_entry()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        var database = connection.GetDatabase();
        var old = Key();
        Assert.True(await store.CreateAsync(old, Record("alice")));
        var moved = KeyInAnotherSlot(connection, store, old);

        var changes = new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { ["b"] = [2] } };
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(old, moved, changes, _t0 + TimeSpan.FromMinutes(1)));

        var record = (await store.LoadAsync(moved, new(_t0, null))).Record!;
        Assert.Equal([1], record.Values["a"]);
        Assert.Equal([2], record.Values["b"]);
        Assert.Equal("alice", record.UserKey);
        Assert.True((await store.LoadAsync(old, new(_t0, null))).IsSuperseded);
        Assert.Equal([moved], await store.ListUserSessionKeysAsync("alice", _t0));
        Assert.NotNull(await database.KeyTimeToLiveAsync(store.RedisKeyFor(moved)));

        // Re-bound in the cycle: bob's index gets the new key, alice's loses the old one.
        var third = KeyInAnotherSlot(connection, store, moved);
        Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(moved, third, new SessionChangeSet { Now = _t0, UserKeyChanged = true, UserKey = "bob" }, _t0 + TimeSpan.FromMinutes(1)));
        Assert.Empty(await store.ListUserSessionKeysAsync("alice", _t0));
        Assert.Equal([third], await store.ListUserSessionKeysAsync("bob", _t0));
        Assert.Equal(1, await store.RevokeUserAsync("bob"));
    }

    [Fact]
    public async Task A_cycle_whose_expectation_fails_writes_nothing_anywhere()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        var old = Key();
        Assert.True(await store.CreateAsync(old, Record(null)));
        var moved = KeyInAnotherSlot(connection, store, old);

        var expecting = new SessionChangeSet { Now = _t0, ExpectedValues = new Dictionary<string, byte[]?> { ["a"] = [9] } };
        Assert.Equal(SessionWriteOutcome.Conflict, await store.CycleAsync(old, moved, expecting, _t0 + TimeSpan.FromMinutes(1)));
        Assert.False(await connection.GetDatabase().KeyExistsAsync(store.RedisKeyFor(moved)));
        Assert.Equal([1], (await store.LoadAsync(old, new(_t0, null))).Record!.Values["a"]);
    }

    // 20 rounds: one session, 8 saves of different keys racing one cycle. Each save the store acknowledged (Applied)
    // is in the session that survives (the moved one when the cycle was applied); a save that came while the cycle held
    // the session (its fence) is told Conflict, one after the move Superseded, and those are in neither. Two cycles
    // racing: one moves the session, the other is told Superseded (or Conflict, while the first held it), and no key
    // but the moved session and the tombstone is left.
    [Fact]
    public async Task Saves_racing_a_cycle_are_in_the_moved_session_or_told_superseded_and_two_cycles_move_it_once()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        var acknowledged = 0;
        for (var round = 0; round < 20; round++)
        {
            var old = Key();
            Assert.True(await store.CreateAsync(old, Record("alice")));
            var moved = KeyInAnotherSlot(connection, store, old);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var saves = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await store.SaveAsync(old, new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { ["k" + i] = [(byte)i] } });
            })).ToList();
            var cycle = Task.Run(async () =>
            {
                await start.Task;
                return await store.CycleAsync(old, moved, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1));
            });
            start.SetResult();
            var outcomes = await Task.WhenAll(saves);
            Assert.Equal(SessionWriteOutcome.Applied, await cycle);

            var survivor = (await store.LoadAsync(moved, new(_t0, null))).Record!;
            for (var i = 0; i < 8; i++)
            {
                Assert.Contains(outcomes[i], new[] { SessionWriteOutcome.Applied, SessionWriteOutcome.Superseded, SessionWriteOutcome.Conflict });
                Assert.Equal(outcomes[i] == SessionWriteOutcome.Applied, survivor.Values.ContainsKey("k" + i));
                acknowledged += outcomes[i] == SessionWriteOutcome.Applied ? 1 : 0;
            }
        }

        // Both outcomes happen over 20 rounds of 8 racing saves; most are acknowledged.
        Assert.InRange(acknowledged, 1, 20 * 8);

        var twice = Key();
        Assert.True(await store.CreateAsync(twice, Record("alice")));
        var targets = new[] { KeyInAnotherSlot(connection, store, twice), KeyInAnotherSlot(connection, store, twice) };
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racing = targets.Select(target => Task.Run(async () =>
        {
            await go.Task;
            return await store.CycleAsync(twice, target, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1));
        })).ToList();
        go.SetResult();
        var cycles = await Task.WhenAll(racing);
        Assert.Equal(1, cycles.Count(c => c == SessionWriteOutcome.Applied));
        Assert.Contains(cycles.Single(c => c != SessionWriteOutcome.Applied), new[] { SessionWriteOutcome.Superseded, SessionWriteOutcome.Conflict });
        var winner = targets[Array.IndexOf(cycles, SessionWriteOutcome.Applied)];
        var loser = targets[1 - Array.IndexOf(cycles, SessionWriteOutcome.Applied)];
        Assert.NotNull((await store.LoadAsync(winner, new(_t0, null))).Record);
        Assert.False(await connection.GetDatabase().KeyExistsAsync(store.RedisKeyFor(loser)));
        Assert.Contains(winner, await store.ListUserSessionKeysAsync("alice", _t0));
    }

    // A steady stream of saves to the session (8 writers, each saving again as soon as it is answered) while it is
    // cycled, 10 rounds: the cycle is applied every time (before the fence, every save landing between its read and its
    // bury made it start again, and 5 such attempts failed the sign-in), and every acknowledged save is in the moved
    // session; saves during the cycle are told Conflict and after it Superseded.
    [Fact]
    public async Task A_cycle_under_a_steady_stream_of_saves_is_applied_and_keeps_every_acknowledged_save()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        var outcomesSeen = new HashSet<SessionWriteOutcome>();
        for (var round = 0; round < 10; round++)
        {
            var old = Key();
            Assert.True(await store.CreateAsync(old, Record("alice")));
            var moved = KeyInAnotherSlot(connection, store, old);
            using var stop = new CancellationTokenSource();
            var firstApplied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                var acknowledged = new List<string>();
                var seen = new HashSet<SessionWriteOutcome>();
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var name = $"w{w}-{n}";
                    var outcome = await store.SaveAsync(old, new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { [name] = [1] } });
                    seen.Add(outcome);
                    if (outcome == SessionWriteOutcome.Applied)
                    {
                        acknowledged.Add(name);
                        firstApplied.TrySetResult();
                    }
                    else if (outcome == SessionWriteOutcome.Superseded)
                    {
                        break;
                    }
                }

                return (acknowledged, seen);
            })).ToList();

            // Let the stream run (at least one save applied, however slow the machine), then cycle in its middle.
            await firstApplied.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(20);
            var cycled = await store.CycleAsync(old, moved, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1));
            await Task.Delay(10);
            await stop.CancelAsync();
            var results = await Task.WhenAll(writers);

            Assert.Equal(SessionWriteOutcome.Applied, cycled);
            var survivor = (await store.LoadAsync(moved, new(_t0, null))).Record!;
            var all = results.SelectMany(r => r.acknowledged).ToList();
            Assert.NotEmpty(all);
            Assert.All(all, name => Assert.True(survivor.Values.ContainsKey(name), $"round {round}: the acknowledged save {name} is not in the moved session"));
            Assert.Equal(all.Count, survivor.Values.Count(v => v.Key.StartsWith('w')));
            foreach (var r in results)
            {
                outcomesSeen.UnionWith(r.seen);
            }
        }

        Assert.Contains(SessionWriteOutcome.Superseded, outcomesSeen);
    }

    // A fence left by a cycle that never finished (its process died between steps) holds the session against writes for
    // 10 s, then writes go through again; loads see the session as it is all along.
    [Fact]
    public async Task A_fence_left_by_an_unfinished_cycle_refuses_writes_until_it_ends_and_never_hides_the_session()
    {
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        var database = (await TestRedis.ClusterConnectionAsync()).GetDatabase();
        var key = Key();
        Assert.True(await store.CreateAsync(key, Record("alice")));
        await database.HashSetAsync(store.RedisKeyFor(key), "@f", $"{(_t0 + TimeSpan.FromSeconds(10)).ToUnixTimeMilliseconds()}:{Key()}");

        var loaded = (await store.LoadAsync(key, new(_t0, null))).Record;
        Assert.NotNull(loaded);
        Assert.Equal("alice", loaded.UserKey);
        SessionChangeSet Set(DateTimeOffset now) => new() { Now = now, SetValues = new Dictionary<string, byte[]> { ["k"] = [7] } };
        Assert.Equal(SessionWriteOutcome.Conflict, await store.SaveAsync(key, Set(_t0)));
        Assert.Equal(SessionWriteOutcome.Conflict, (await store.SaveBlindAsync(key, Set(_t0 + TimeSpan.FromSeconds(9)), long.MaxValue)).Outcome);
        Assert.Equal(SessionWriteOutcome.Conflict, await store.CycleAsync(key, Key(), new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)));
        Assert.False((await store.LoadAsync(key, new(_t0, null))).Record!.Values.ContainsKey("k"));

        Assert.Equal(SessionWriteOutcome.Applied, await store.SaveAsync(key, Set(_t0 + TimeSpan.FromSeconds(11))));
        Assert.Equal([7], (await store.LoadAsync(key, new(_t0 + TimeSpan.FromSeconds(11), null))).Record!.Values["k"]);
    }

    // A logout (EndAsync) racing a login's cycle of the same session, 30 rounds, blind saves racing both in every other
    // round: exactly one of end and cycle wins. If the cycle won, the moved session is live and the end is told Superseded; if the end won, no
    // live session is left under the new key (the cycle's copy is buried) and the cycle is told Superseded. Either way
    // the old key holds a tombstone, and every blind save the store acknowledged is in the moved session or (end won)
    // was acknowledged before the end.
    [Fact]
    public async Task A_logout_racing_a_cycle_ends_the_session_or_moves_it_never_both()
    {
        var connection = await TestRedis.ClusterConnectionAsync();
        var store = await TestRedis.CreateClusterStoreAsync(_prefix);
        int cycleWon = 0, endWon = 0;
        for (var round = 0; round < 30; round++)
        {
            var old = Key();
            Assert.True(await store.CreateAsync(old, Record("alice")));
            var moved = KeyInAnotherSlot(connection, store, old);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var cycle = Task.Run(async () =>
            {
                await start.Task;
                return await store.CycleAsync(old, moved, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1));
            });
            // The cycle takes three round trips and the end one: the end starts at once, after a few yields, or 1, 3 or
            // 25 ms later (timers, not a spin: a spinning thread would starve the pool's two threads and hold the cycle
            // back), so over the rounds it lands before, between and after the cycle's steps.
            var pause = round % 5;
            var end = Task.Run(async () =>
            {
                await start.Task;
                switch (pause)
                {
                    case 1:
                        for (var y = 0; y < 3; y++)
                        {
                            await Task.Yield();
                        }

                        break;
                    case 2: await Task.Delay(1); break;
                    case 3: await Task.Delay(3); break;
                    case 4: await Task.Delay(25); break;
                }

                return await store.EndAsync(old, _t0, _t0 + TimeSpan.FromMinutes(1));
            });
            var saves = Enumerable.Range(0, round % 2 == 0 ? 4 : 0).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return (await store.SaveBlindAsync(old, new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { ["b" + i] = [(byte)i] } }, long.MaxValue)).Outcome;
            })).ToList();
            start.SetResult();
            var (cycled, ended) = (await cycle, await end);
            var saved = await Task.WhenAll(saves);

            Assert.True(await store.LoadAsync(old, new(_t0, null)) is { IsSuperseded: true }, $"round {round}: the old key holds no tombstone");
            var survivor = (await store.LoadAsync(moved, new(_t0, null))).Record;
            if (cycled == SessionWriteOutcome.Applied)
            {
                cycleWon++;
                Assert.Equal(SessionWriteOutcome.Superseded, ended);
                Assert.NotNull(survivor);
                for (var i = 0; i < saved.Length; i++)
                {
                    Assert.Contains(saved[i], new[] { SessionWriteOutcome.Applied, SessionWriteOutcome.Superseded, SessionWriteOutcome.Conflict });
                    Assert.Equal(saved[i] == SessionWriteOutcome.Applied, survivor.Values.ContainsKey("b" + i));
                }
            }
            else
            {
                endWon++;
                Assert.Equal(SessionWriteOutcome.Applied, ended);
                Assert.Equal(SessionWriteOutcome.Superseded, cycled);
                Assert.Null(survivor);
                Assert.All(saved, o => Assert.Contains(o, new[] { SessionWriteOutcome.Applied, SessionWriteOutcome.Superseded, SessionWriteOutcome.Conflict }));
            }
        }

        Assert.Equal(30, cycleWon + endWon);

        // Both orders happened (typically about 12 and 18 of 30): the invariants above were checked for each.
        Assert.True(cycleWon > 0 && endWon > 0, $"the cycle won {cycleWon} and the logout {endWon} of 30 rounds");
    }

    [Fact]
    public async Task A_cycle_on_a_cluster_is_three_single_key_commands_and_five_for_a_session_bound_to_a_user()
    {
        // A connection of its own: the profiler sees every command on its connection, and other tests run in parallel.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(TestServers.RedisCluster);
        var store = new RedisSessionStore(Microsoft.Extensions.Options.Options.Create(new RedisSessionStoreOptions { KeyPrefix = _prefix }), connection);
        async Task<int> CycleCommandsAsync(string? boundTo)
        {
            var key = Key();
            Assert.True(await store.CreateAsync(key, Record(boundTo)));
            var warm = Key();
            Assert.True(await store.CreateAsync(warm, Record(boundTo)));
            await store.CycleAsync(warm, Key(), new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)); // SCRIPT LOAD on each node
            var profiler = new StackExchange.Redis.Profiling.ProfilingSession();
            connection.RegisterProfiler(() => profiler);
            Assert.Equal(SessionWriteOutcome.Applied, await store.CycleAsync(key, Key(), new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)));
            connection.RegisterProfiler(() => null);
            return profiler.FinishProfiling().Count(c => c.Command is not "SCRIPT");
        }

        Assert.Equal(3, await CycleCommandsAsync(null));
        Assert.Equal(5, await CycleCommandsAsync("alice"));
    }

    [Fact]
    public async Task WaitForReplicas_confirms_each_write_on_the_cluster_and_fails_it_clearly_where_no_replica_confirms()
    {
        // Generous where a replica should confirm (a loaded machine can keep a replica from running for a while); short
        // below, where none can.
        var options = new RedisSessionStoreOptions { KeyPrefix = _prefix, WaitForReplicas = 1, ReplicaWaitTimeout = TimeSpan.FromSeconds(5) };
        var onCluster = new RedisSessionStore(Microsoft.Extensions.Options.Options.Create(options), await TestRedis.ClusterConnectionAsync());
        var key = Key();
        Assert.True(await onCluster.CreateAsync(key, Record("alice")));
        Assert.Equal(SessionWriteOutcome.Applied, await onCluster.SaveAsync(key, new SessionChangeSet { Now = _t0, SetValues = new Dictionary<string, byte[]> { ["b"] = [2] } }));
        var moved = Key();
        Assert.Equal(SessionWriteOutcome.Applied, await onCluster.CycleAsync(key, moved, new SessionChangeSet { Now = _t0 }, _t0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(1, await onCluster.RevokeUserAsync("alice"));

        // The single test server has no replica: the write is on the primary, but the store does not call it done.
        var single = TestRedis.NewPrefix();
        try
        {
            var alone = new RedisSessionStore(Microsoft.Extensions.Options.Options.Create(new RedisSessionStoreOptions { KeyPrefix = single, WaitForReplicas = 1, ReplicaWaitTimeout = TimeSpan.FromMilliseconds(200) }), await TestRedis.ConnectionAsync());
            var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await alone.CreateAsync(Key(), Record(null)));
            Assert.Contains("confirmed by 0 of the 1 replicas", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await TestRedis.DeletePrefixAsync(single);
        }
    }

    // WAIT blocks the connection it is sent on: with WaitForReplicas the store sends writes (and their WAITs) over a
    // connection of its own, so a load does not queue behind a write waiting for a replica that never answers.
    [Fact]
    public async Task A_write_waiting_for_replicas_does_not_hold_up_loads()
    {
        var prefix = TestRedis.NewPrefix();
        try
        {
            var store = new RedisSessionStore(Microsoft.Extensions.Options.Options.Create(new RedisSessionStoreOptions
            {
                KeyPrefix = prefix,
                WaitForReplicas = 1,
                ReplicaWaitTimeout = TimeSpan.FromSeconds(2),
            }), await TestRedis.ConnectionAsync());
            var existing = Key();
            await Assert.ThrowsAsync<SessionStoreException>(async () => await store.CreateAsync(existing, Record(null)));

            var waitingWrite = store.CreateAsync(Key(), Record(null)).AsTask();
            await Task.Delay(100);
            var load = store.LoadAsync(existing, new(_t0, null)).AsTask();

            Assert.Same(load, await Task.WhenAny(load, waitingWrite));
            Assert.NotNull((await load).Record);
            await Assert.ThrowsAsync<SessionStoreException>(() => waitingWrite);
            await store.DisposeAsync();
        }
        finally
        {
            await TestRedis.DeletePrefixAsync(prefix);
        }
    }

    // The primaries that hold at least one key under the prefix (SCAN on each).
    private async Task<List<IServer>> PrimariesHoldingAsync(ConnectionMultiplexer connection)
    {
        var holding = new List<IServer>();
        foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var _ in server.KeysAsync(pattern: _prefix + "*"))
            {
                holding.Add(server);
                break;
            }
        }

        return holding;
    }

    private static string KeyInAnotherSlot(ConnectionMultiplexer connection, RedisSessionStore store, string key)
    {
        var slot = connection.HashSlot(store.RedisKeyFor(key));
        while (true)
        {
            var other = Key();
            if (connection.HashSlot(store.RedisKeyFor(other)) != slot)
            {
                return other;
            }
        }
    }

    private static string Key() => Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));

    private SessionRecord Record(string? user, byte[]? value = null)
        => new(
            new Dictionary<string, byte[]> { ["a"] = value ?? [1] },
            _t0,
            user is null
                ? SessionLifetime.Compute(SessionExpiryMode.Default, _t0, _t0, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8))
                : SessionLifetime.Compute(SessionExpiryMode.Default, _t0, _t0, TimeSpan.FromHours(1), TimeSpan.FromHours(8)),
            1,
            user);
}
