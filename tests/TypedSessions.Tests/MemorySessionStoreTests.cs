using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests;

public class MemorySessionStoreTests : StoreTestHelpers
{
    private readonly MemorySessionStore _store = new();

    protected override ISessionStore Store => _store;

    [Fact]
    public void Capabilities_are_atomic_merge_and_user_index_without_native_expiry()
    {
        Assert.Equal(SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.NeverBlocksCaller | SessionStoreCapabilities.BlindWrites | SessionStoreCapabilities.KeyReads, _store.Capabilities);
        Assert.Equal("Memory", MemorySessionStore.StoreName);
    }

    [Fact]
    public async Task Count_includes_expired_records_until_cleanup()
    {
        await _store.CreateAsync(NewKey(), NewRecord());
        await _store.CreateAsync(NewKey(), NewRecord(T0.AddHours(1)));

        Assert.Equal(2, _store.Count);
        Assert.Equal(1, await _store.DeleteExpiredAsync(T0.AddMinutes(30)));
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task Stores_the_record_it_was_given_without_copying()
    {
        var key = NewKey();
        var record = NewRecord(values: [("a", 1)]);
        await _store.CreateAsync(key, record);

        Assert.Same(record, await LoadAsync(key));
    }

    [Fact]
    public async Task Saves_racing_on_dedicated_threads_never_lose_a_key()
    {
        // Memory saves complete synchronously, so each thread runs a tight loop of merges that
        // overlap for real: without the per-key lock, two merges applied at once lose a key.
        const int perThread = 2_000;
        var key = NewKey();
        var initial = Enumerable.Range(0, 2_000).Select(i => ("base" + i, (byte)1)).ToArray();
        await _store.CreateAsync(key, NewRecord(values: initial));
        var threadCount = Math.Max(2, Environment.ProcessorCount);
        using var start = new Barrier(threadCount);
        var failures = 0;
        var threads = Enumerable.Range(0, threadCount).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            Interlocked.Add(ref failures, SaveMany(_store, key, "t" + t, perThread));
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, failures);
        var record = await LoadAsync(key);
        Assert.Equal((threadCount * perThread) + initial.Length, record!.Values.Count);
        Assert.Equal((threadCount * perThread) + 1, record.Version);
    }

    private static int SaveMany(MemorySessionStore store, string key, string prefix, int count)
    {
        var failures = 0;
        for (var i = 0; i < count; i++)
        {
            var saved = store.SaveAsync(key, Set(T0, (prefix + "-" + i, 1)));
            if (!saved.IsCompletedSuccessfully || saved.Result != SessionWriteOutcome.Applied)
            {
                failures++;
            }
        }

        return failures;
    }

    [Fact]
    public async Task DeleteExpired_reports_progress_every_thousand_and_the_total()
    {
        for (var i = 0; i < 2_500; i++)
        {
            await _store.CreateAsync(NewKey(), NewRecord());
        }

        var progress = new ProgressLog();
        Assert.Equal(2_500, await _store.DeleteExpiredAsync(T0.AddDays(1), progress));

        var reports = progress.Reports;
        Assert.Contains(reports, r => r.Deleted == 1_000);
        Assert.Contains(reports, r => r.Deleted == 2_000);
        Assert.All(reports, r => Assert.Equal(2_500, r.Total));
        Assert.Equal(2_500, reports[^1].Deleted);
        AssertMonotonic(reports);
        Assert.Equal(0, _store.Count);
    }
}
