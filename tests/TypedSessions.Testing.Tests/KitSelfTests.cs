using System.Collections.Concurrent;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Testing.Tests;

/// <summary>The kit catches broken stores: run some of its tests against deliberately wrong stores.</summary>
public sealed class KitSelfTests
{
    // The race tests are races: on a loaded machine one run may happen to interleave nothing. A broken store must fail
    // the test in at least one of a few runs (a CI run once saw the cycle race pass once on the lossy store).
    private static async Task AssertFailsWithinAsync(Func<ISessionStore> create, Func<Kit, Func<Task>> test, int runs = 5)
    {
        for (var run = 0; run < runs; run++)
        {
            var kit = new Kit(create);
            await kit.InitializeAsync();
            try
            {
                await test(kit)();
            }
            catch (Exception)
            {
                return;
            }
        }

        Assert.Fail($"The kit's test passed {runs} runs in a row on a store that breaks its contract.");
    }

    [Fact]
    public Task The_merge_test_fails_a_store_that_claims_atomic_merge_but_reads_then_writes()
        => AssertFailsWithinAsync(() => new LossyStore(), kit => kit.Concurrent_saves_of_different_keys_all_survive_when_the_store_promises_atomic_merge);

    [Fact]
    public Task The_cycle_race_test_fails_a_store_whose_cycle_reads_then_writes()
        => AssertFailsWithinAsync(() => new LossyStore(), kit => kit.Saves_racing_a_cycle_are_either_moved_with_it_or_told_they_were_superseded);

    [Fact]
    public Task The_read_modify_write_test_fails_a_store_that_checks_expected_values_outside_its_write()
        => AssertFailsWithinAsync(() => new LossyStore(), kit => kit.Concurrent_read_modify_write_increments_that_retry_on_conflict_lose_nothing);

    [Fact]
    public async Task The_save_tests_fail_a_store_that_recreates_missing_sessions()
    {
        var kit = new Kit(() => new RecreatingStore());
        await kit.InitializeAsync();

        await Assert.ThrowsAnyAsync<Exception>(kit.Save_on_a_missing_session_is_not_found_and_does_not_create_it);
    }

    [Fact]
    public async Task A_failure_says_what_the_store_did_and_what_the_contract_wanted()
    {
        var kit = new Kit(() => new RecreatingStore());
        await kit.InitializeAsync();

        // The kit's failures are xunit assertion failures (under v2 and v3 alike): the store author reads the
        // expected and the actual outcome, not only that something failed.
        var failure = await Assert.ThrowsAnyAsync<Exception>(kit.Save_on_a_missing_session_is_not_found_and_does_not_create_it);
        Assert.Equal("Xunit.Sdk.EqualException", failure.GetType().FullName);
        Assert.Matches(@"Expected: +NotFound", failure.Message);
        Assert.Matches(@"Actual: +Applied", failure.Message);
    }

    [Fact]
    public async Task The_blind_save_tests_fail_a_store_that_checks_the_size_limit_outside_its_write()
    {
        await AssertFailsWithinAsync(() => new UncheckedBlindStore(), kit => kit.Concurrent_blind_saves_keep_every_acknowledged_write_and_never_pass_the_size_limit);

        var sequential = new Kit(() => new UncheckedBlindStore());
        await sequential.InitializeAsync();
        await sequential.A_blind_save_merges_keys_slides_the_expiry_and_returns_the_lifetime_it_left();

        var memory = new Kit(() => new MemorySessionStore());
        await memory.InitializeAsync();
        await memory.Concurrent_blind_saves_keep_every_acknowledged_write_and_never_pass_the_size_limit();
    }

    [Fact]
    public async Task The_key_read_tests_fail_a_store_whose_blind_save_drops_expectations_and_pass_on_the_memory_store()
    {
        var dropping = new Kit(() => new ExpectationDroppingStore());
        await dropping.InitializeAsync();
        await Assert.ThrowsAnyAsync<Exception>(dropping.A_store_with_key_reads_checks_expectations_in_a_blind_save);
        await AssertFailsWithinAsync(() => new ExpectationDroppingStore(), kit => kit.Concurrent_increments_through_key_reads_keep_every_acknowledged_increment);

        var memory = new Kit(() => new MemorySessionStore());
        await memory.InitializeAsync();
        await memory.A_store_with_key_reads_checks_expectations_in_a_blind_save();
        await memory.Concurrent_increments_through_key_reads_keep_every_acknowledged_increment();
    }

    [Fact]
    public async Task The_key_limit_tests_fail_a_store_that_does_not_count_keys_in_its_write_and_pass_on_the_memory_store()
    {
        var uncounted = new Kit(() => new UncountedStore());
        await uncounted.InitializeAsync();
        await Assert.ThrowsAnyAsync<Exception>(uncounted.A_write_past_the_most_keys_a_load_accepts_is_refused_and_the_session_still_loads);
        await AssertFailsWithinAsync(() => new LossyStore(), kit => kit.Concurrent_saves_that_each_add_a_key_never_together_pass_the_most_keys_a_load_accepts);

        var memory = new Kit(() => new MemorySessionStore());
        await memory.InitializeAsync();
        await memory.A_write_past_the_most_keys_a_load_accepts_is_refused_and_the_session_still_loads();
        await memory.Concurrent_saves_that_each_add_a_key_never_together_pass_the_most_keys_a_load_accepts();
    }

    [Fact]
    public async Task The_same_tests_pass_on_the_memory_store()
    {
        var merge = new Kit(() => new MemorySessionStore());
        await merge.InitializeAsync();
        await merge.Concurrent_saves_of_different_keys_all_survive_when_the_store_promises_atomic_merge();

        var cycle = new Kit(() => new MemorySessionStore());
        await cycle.InitializeAsync();
        await cycle.Saves_racing_a_cycle_are_either_moved_with_it_or_told_they_were_superseded();

        var increments = new Kit(() => new MemorySessionStore());
        await increments.InitializeAsync();
        await increments.Concurrent_read_modify_write_increments_that_retry_on_conflict_lose_nothing();

        var missing = new Kit(() => new MemorySessionStore());
        await missing.InitializeAsync();
        await missing.Save_on_a_missing_session_is_not_found_and_does_not_create_it();
    }

    // Not public: xunit does not run the kit's facts on these subclasses by themselves.
    private sealed class Kit(Func<ISessionStore> create) : SessionStoreConformanceTests
    {
        protected override Task<ISessionStore> CreateStoreAsync() => Task.FromResult(create());
    }

    /// <summary>Merges by read, yield, write: concurrent saves overwrite each other.</summary>
    private sealed class LossyStore : ISessionStore
    {
        private readonly ConcurrentDictionary<string, SessionRecord> _records = new();

        public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge;

        public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(SessionLoadResult.From(_records.GetValueOrDefault(key), request with { TouchThreshold = null }));

        public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(_records.TryAdd(key, record));

        public async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        {
            _records.TryGetValue(key, out var existing);
            await Task.Delay(1, cancellationToken);
            var outcome = SessionRecord.TryApply(existing, changes, out var updated);
            if (outcome == SessionWriteOutcome.Applied)
            {
                _records[key] = updated!;
            }

            return outcome;
        }

        public async ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        {
            _records.TryGetValue(key, out var existing);
            await Task.Delay(1, cancellationToken);
            var outcome = SessionRecord.TryApply(existing, changes, out var moved);
            if (outcome == SessionWriteOutcome.Applied)
            {
                _records[newKey] = moved!;
                _records[key] = SessionRecord.Tombstone(changes.Now, tombstoneExpiresAt);
            }

            return outcome;
        }

        public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
        {
            var outcome = SessionRecord.EndOutcome(_records.GetValueOrDefault(key), now);
            if (outcome == SessionWriteOutcome.Applied)
            {
                _records[key] = SessionRecord.Tombstone(now, tombstoneExpiresAt);
            }

            return ValueTask.FromResult(outcome);
        }

        public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(_records.TryRemove(key, out _));

        public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default) => ValueTask.FromResult(0L);
    }

    /// <summary>Treats a save on a missing session as a create.</summary>
    // Blind saves that check the size on a load taken before the write (outside any lock): each racing save sees room,
    // so together they pass the limit.
    private sealed class UncheckedBlindStore : MemoryWrapper
    {
        public override async ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
        {
            var before = await Inner.LoadAsync(key, new SessionLoadRequest(changes.Now, null), cancellationToken);
            await Task.Yield();
            var size = (before.Record?.PayloadSize ?? 0) + changes.SetValues.Sum(v => SessionSize.Of(v.Key, v.Value.Length));
            if (size > maxSize)
            {
                return new SessionBlindWriteResult(SessionWriteOutcome.TooLarge, null);
            }

            await Task.Delay(1, cancellationToken);
            return await Inner.SaveBlindAsync(key, changes, long.MaxValue, cancellationToken);
        }
    }

    // Saves without counting keys: a save past the most keys a load accepts is applied, and the session is unreadable
    // for a store that decodes what it stores.
    private sealed class UncountedStore : MemoryWrapper
    {
        public override async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        {
            var stored = (await Inner.LoadAsync(key, new SessionLoadRequest(changes.Now, null), cancellationToken)).Record;
            var outcome = SessionRecord.TryApply(stored, changes, long.MaxValue, int.MaxValue, out var updated);
            if (outcome == SessionWriteOutcome.Applied)
            {
                await Inner.DeleteAsync(key, cancellationToken);
                await Inner.CreateAsync(key, updated!, cancellationToken);
            }

            return outcome;
        }

        public override ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
            => Inner.SaveBlindAsync(key, changes, maxSize, cancellationToken);
    }

    // Offers key reads but drops the expectations of a blind save: a request that loaded some keys would overwrite
    // values changed since it read them. Its loads take a millisecond, as a network store's do, so racing writers interleave.
    private sealed class ExpectationDroppingStore : MemoryWrapper
    {
        public override async ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
        {
            var result = await Inner.LoadKeysAsync(key, names, request, cancellationToken);
            await Task.Delay(1, cancellationToken);
            return result;
        }

        public override ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
            => Inner.SaveBlindAsync(key, new SessionChangeSet { Now = changes.Now, SetValues = changes.SetValues, RemovedKeys = changes.RemovedKeys }, maxSize, cancellationToken);
    }

    // The memory store behind every interface the kit tests, for a broken variant to override one operation.
    private abstract class MemoryWrapper : ISessionStore, ISessionBlindWriter, ISessionKeyReader
    {
        protected MemorySessionStore Inner { get; } = new();

        public SessionStoreCapabilities Capabilities => Inner.Capabilities;

        public abstract ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default);

        public virtual ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
            => Inner.LoadKeysAsync(key, names, request, cancellationToken);

        public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default) => Inner.LoadAsync(key, request, cancellationToken);

        public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default) => Inner.CreateAsync(key, record, cancellationToken);

        public virtual ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default) => Inner.SaveAsync(key, changes, cancellationToken);

        public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
            => Inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);

        public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
            => Inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);

        public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default) => Inner.TouchAsync(key, now, threshold, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Inner.DeleteAsync(key, cancellationToken);

        public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
            => Inner.DeleteExpiredAsync(now, progress, cancellationToken);
    }

    private sealed class RecreatingStore : ISessionStore
    {
        private readonly MemorySessionStore _inner = new();

        public SessionStoreCapabilities Capabilities => _inner.Capabilities;

        public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default) => _inner.LoadAsync(key, request, cancellationToken);

        public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default) => _inner.CreateAsync(key, record, cancellationToken);

        public async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        {
            if (await _inner.SaveAsync(key, changes, cancellationToken) == SessionWriteOutcome.Applied)
            {
                return SessionWriteOutcome.Applied;
            }

            var fresh = new SessionRecord(null, changes.Now, new SessionLifetime(SessionExpiryMode.Default, changes.Now + TimeSpan.FromMinutes(20), null, TimeSpan.FromMinutes(20)));
            return await _inner.CreateAsync(key, fresh.Apply(changes), cancellationToken) ? SessionWriteOutcome.Applied : SessionWriteOutcome.NotFound;
        }

        public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default) => _inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);

        public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default) => _inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);

        public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default) => _inner.TouchAsync(key, now, threshold, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default) => _inner.DeleteExpiredAsync(now, progress, cancellationToken);
    }
}
