using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests;

public class MemorySessionStoreTests : SessionStoreTestBase
{
    private readonly MemorySessionStore _store = new();

    protected override ISessionStore Store => _store;

    [Fact]
    public void Capabilities_are_atomic_merge_without_native_expiry()
    {
        Assert.Equal(SessionStoreCapabilities.AtomicMerge, _store.Capabilities);
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
