using TypedSessions.Storage;

namespace TypedSessions.Tests;

/// <summary>The batched delete loop (<see cref="SessionCleanup"/>) that the SQLite and PostgreSQL stores run.</summary>
public sealed class SessionCleanupTests
{
    [Fact]
    public async Task Deletes_batches_until_one_deletes_nothing_and_reports_after_each()
    {
        var batches = new Queue<int>([10, 10, 3, 0, 99]);
        var reports = new List<SessionCleanupProgress>();

        var deleted = await SessionCleanup.DeleteInBatchesAsync(_ => Task.FromResult(23L), _ => Task.FromResult(batches.Dequeue()), new Inline(reports.Add), CancellationToken.None);

        Assert.Equal(23, deleted);
        Assert.Equal([new(0, 23), new(10, 23), new(20, 23), new(23, 23)], reports);
        Assert.Equal([99], batches);
    }

    // Sessions expire while the run goes on: the total shown never falls below what was deleted.
    [Fact]
    public async Task The_total_reported_is_never_below_the_deleted_count()
    {
        var batches = new Queue<int>([5, 5, 0]);
        var reports = new List<SessionCleanupProgress>();

        var deleted = await SessionCleanup.DeleteInBatchesAsync(_ => Task.FromResult(6L), _ => Task.FromResult(batches.Dequeue()), new Inline(reports.Add), CancellationToken.None);

        Assert.Equal(10, deleted);
        Assert.Equal([new(0, 6), new(5, 6), new(10, 10)], reports);
    }

    [Fact]
    public async Task Cancellation_stops_the_run_between_batches()
    {
        using var cts = new CancellationTokenSource();
        var runs = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await SessionCleanup.DeleteInBatchesAsync(
            _ => Task.FromResult(100L),
            _ =>
            {
                runs++;
                cts.Cancel();
                return Task.FromResult(10);
            },
            null,
            cts.Token));

        Assert.Equal(1, runs);
    }

    private sealed class Inline(Action<SessionCleanupProgress> report) : IProgress<SessionCleanupProgress>
    {
        public void Report(SessionCleanupProgress value) => report(value);
    }
}
