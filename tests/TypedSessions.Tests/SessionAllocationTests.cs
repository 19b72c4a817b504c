namespace TypedSessions.Tests;

/// <summary>Cached typed reads cost no allocation (an allocation assertion, not a timing one).</summary>
public sealed class SessionAllocationTests : IDisposable
{
    private const int Reads = 10_000;

    private readonly SessionTestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static long AllocatedBy(Action action)
    {
        action(); // warm up: JIT, tiering and first-call paths allocate outside the measurement
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public async Task Cached_reads_of_a_nullable_int_loaded_from_the_store_allocate_nothing()
    {
        var id = await _h.SeedAsync(s => s.Set<int?>("n", 42));
        var session = await _h.LoadedAsync(id);
        Assert.Equal(42, session.Get<int?>("n")); // the first read decodes and caches
        long sum = 0;

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < Reads; i++)
            {
                sum += session.Get<int?>("n") ?? 0;
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(3L * Reads * 42, sum);
    }

    [Fact]
    public void Cached_reads_of_a_value_set_in_this_request_allocate_nothing()
    {
        var session = _h.NewSession();
        session.Set<int?>("n", 7);
        session.Set("name", "ada");
        session.Set<int?>("none", null);
        _ = session.Get<int?>("n");
        long count = 0;

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < Reads; i++)
            {
                count += session.Get<int?>("n")!.Value;
                count += session.Get<string>("name")!.Length;
                count += session.Get<int?>("none") ?? 0;
                count += session.TryGet<int?>("n", out var n) ? n!.Value : 0;
                count += session.ContainsKey("missing") ? 1 : 0;
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(3L * Reads * (7 + 3 + 7), count);
    }

    [Fact]
    public async Task The_measurement_does_see_allocations()
    {
        // Guards the assertions above: the same loop reading as a new type each time does allocate.
        var id = await _h.SeedAsync(s => s.Set<int?>("n", 42));
        var session = await _h.LoadedAsync(id);
        var flip = false;

        var allocated = AllocatedBy(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                flip = !flip;
                _ = flip ? session.Get<int?>("n") : session.Get<long?>("n");
            }
        });

        Assert.True(allocated > 0);
    }
}
