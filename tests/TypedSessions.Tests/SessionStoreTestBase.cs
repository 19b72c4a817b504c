using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Tests;

/// <summary>Behaviour every <see cref="ISessionStore"/> shares; each store's test class derives from it.</summary>
public abstract class SessionStoreTestBase
{
    protected static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    protected abstract ISessionStore Store { get; }

    protected static string NewKey() => SessionId.New().StoreKey;

    protected static SessionLifetime DefaultLifetime(DateTimeOffset createdAt)
        => SessionLifetime.Compute(SessionExpiryMode.Default, createdAt, createdAt, Idle, TimeSpan.FromHours(8));

    protected static SessionRecord NewRecord(DateTimeOffset? createdAt = null, string? userKey = null, params (string Key, byte Value)[] values)
    {
        var at = createdAt ?? T0;
        return new SessionRecord(
            values.ToDictionary(v => v.Key, v => new[] { v.Value }, StringComparer.Ordinal),
            at,
            DefaultLifetime(at),
            1,
            userKey);
    }

    protected static SessionChangeSet Set(DateTimeOffset now, params (string Key, byte Value)[] values) => new()
    {
        Now = now,
        SetValues = values.ToDictionary(v => v.Key, v => new[] { v.Value }, StringComparer.Ordinal),
    };

    protected async Task<SessionRecord?> LoadAsync(string key, DateTimeOffset? now = null)
        => (await Store.LoadAsync(key, new SessionLoadRequest(now ?? T0, null))).Record;

    protected static void AssertValues(SessionRecord? record, params (string Key, byte Value)[] expected)
    {
        Assert.NotNull(record);
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), record.Values.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(new[] { value }, record.Values[key]);
        }
    }

    [Fact]
    public async Task Create_then_load_returns_the_record()
    {
        var key = NewKey();
        var record = NewRecord(userKey: "user-1", values: [("a", 1), ("b", 2)]);

        Assert.True(await Store.CreateAsync(key, record));
        var result = await Store.LoadAsync(key, new SessionLoadRequest(T0.AddMinutes(1), null));

        Assert.False(result.Touched);
        AssertValues(result.Record, ("a", 1), ("b", 2));
        Assert.Equal(T0, result.Record!.CreatedAt);
        Assert.Equal(record.Lifetime, result.Record.Lifetime);
        Assert.Equal(1, result.Record.Version);
        Assert.Equal("user-1", result.Record.UserKey);
    }

    [Fact]
    public async Task Load_of_an_unknown_key_is_not_found()
    {
        var result = await Store.LoadAsync(NewKey(), new SessionLoadRequest(T0, 0.25));

        Assert.Null(result.Record);
        Assert.False(result.Touched);
    }

    [Fact]
    public async Task Sessions_are_isolated_by_key()
    {
        var a = NewKey();
        var b = NewKey();
        await Store.CreateAsync(a, NewRecord(values: [("x", 1)]));
        await Store.CreateAsync(b, NewRecord(values: [("x", 2)]));

        await Store.SaveAsync(a, Set(T0, ("y", 3)));
        await Store.DeleteAsync(b);

        AssertValues(await LoadAsync(a), ("x", 1), ("y", 3));
        Assert.Null(await LoadAsync(b));
    }

    [Fact]
    public async Task An_expired_record_is_absent()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        Assert.NotNull(await LoadAsync(key, T0 + Idle - TimeSpan.FromTicks(1)));
        Assert.Null(await LoadAsync(key, T0 + Idle));
        Assert.Null(await LoadAsync(key, T0.AddDays(1)));
        Assert.Null((await Store.LoadAsync(key, new SessionLoadRequest(T0 + Idle, 0))).Record);
    }

    [Fact]
    public async Task Create_returns_false_on_a_live_duplicate_and_keeps_the_original()
    {
        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(values: [("a", 1)])));

        Assert.False(await Store.CreateAsync(key, NewRecord(T0.AddMinutes(1), values: [("b", 2)])));

        AssertValues(await LoadAsync(key), ("a", 1));
    }

    [Fact]
    public async Task Create_replaces_a_record_that_has_expired()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        Assert.True(await Store.CreateAsync(key, NewRecord(T0.AddHours(1), values: [("b", 2)])));

        AssertValues(await LoadAsync(key, T0.AddHours(1)), ("b", 2));
    }

    [Fact]
    public async Task Save_merges_sets_and_removes_and_bumps_the_version()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1), ("b", 2), ("c", 3)]));

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, new SessionChangeSet
        {
            Now = T0.AddMinutes(1),
            SetValues = new Dictionary<string, byte[]> { ["b"] = [20], ["d"] = [4] },
            RemovedKeys = ["c"],
        }));

        var record = await LoadAsync(key, T0.AddMinutes(1));
        AssertValues(record, ("a", 1), ("b", 20), ("d", 4));
        Assert.Equal(2, record!.Version);
        Assert.Equal(T0.AddMinutes(21), record.Lifetime.ExpiresAt);
    }

    [Fact]
    public async Task Save_with_clear_removes_every_key_but_keeps_the_session()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1), ("b", 2)]));

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, new SessionChangeSet { Now = T0, ClearAll = true, SetValues = new Dictionary<string, byte[]> { ["c"] = [3] } }));

        AssertValues(await LoadAsync(key), ("c", 3));
    }

    [Fact]
    public async Task Save_replaces_the_lifetime_and_user_key_when_told()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(userKey: "u1"));
        var lifetime = new SessionLifetime(SessionExpiryMode.Absolute, T0.AddHours(2), T0.AddHours(2), null);

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, new SessionChangeSet { Now = T0, Lifetime = lifetime, UserKeyChanged = true, UserKey = "u2" }));

        var record = await LoadAsync(key);
        Assert.Equal(lifetime, record!.Lifetime);
        Assert.Equal("u2", record.UserKey);
    }

    [Fact]
    public async Task Save_on_a_missing_session_returns_false_and_does_not_recreate_it()
    {
        var key = NewKey();

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(T0, ("a", 1))));

        Assert.Null(await LoadAsync(key));
        Assert.True(await Store.CreateAsync(key, NewRecord(values: [("b", 2)])));
        AssertValues(await LoadAsync(key), ("b", 2));
    }

    [Fact]
    public async Task Save_on_a_deleted_session_returns_false_and_does_not_recreate_it()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));
        await Store.DeleteAsync(key);

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(T0, ("a", 2))));

        Assert.Null(await LoadAsync(key));
    }

    [Fact]
    public async Task Save_on_an_expired_session_returns_false_and_changes_nothing()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(T0 + Idle, ("a", 2))));

        // Seen from before its expiry, the record is exactly what was created.
        var record = await LoadAsync(key, T0);
        AssertValues(record, ("a", 1));
        Assert.Equal(1, record!.Version);
        Assert.Equal(T0 + Idle, record.Lifetime.ExpiresAt);
    }

    [Fact]
    public async Task A_loaded_record_is_a_snapshot_that_later_saves_do_not_change()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));
        var before = await LoadAsync(key);

        await Store.SaveAsync(key, new SessionChangeSet { Now = T0, ClearAll = true, SetValues = new Dictionary<string, byte[]> { ["b"] = [2] } });

        AssertValues(before, ("a", 1));
        Assert.Equal(1, before!.Version);
    }

    [Fact]
    public async Task Load_with_a_threshold_touches_only_when_due_and_persists_the_touch()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        var notDue = await Store.LoadAsync(key, new SessionLoadRequest(T0.AddMinutes(4), 0.25));
        Assert.False(notDue.Touched);
        Assert.Equal(T0 + Idle, notDue.Record!.Lifetime.ExpiresAt);
        Assert.Equal(T0 + Idle, (await LoadAsync(key))!.Lifetime.ExpiresAt);

        var due = await Store.LoadAsync(key, new SessionLoadRequest(T0.AddMinutes(6), 0.25));
        Assert.True(due.Touched);
        Assert.Equal(T0.AddMinutes(26), due.Record!.Lifetime.ExpiresAt);
        AssertValues(due.Record, ("a", 1));

        var stored = await LoadAsync(key, T0.AddMinutes(25));
        Assert.Equal(T0.AddMinutes(26), stored!.Lifetime.ExpiresAt);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task Load_without_a_threshold_never_touches()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());

        var result = await Store.LoadAsync(key, new SessionLoadRequest(T0.AddMinutes(19), null));

        Assert.False(result.Touched);
        Assert.Equal(T0 + Idle, (await LoadAsync(key))!.Lifetime.ExpiresAt);
    }

    [Fact]
    public async Task Touch_slides_when_due_and_reports_it()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        Assert.False(await Store.TouchAsync(key, T0.AddMinutes(4), 0.25));
        Assert.Equal(T0 + Idle, (await LoadAsync(key))!.Lifetime.ExpiresAt);

        Assert.True(await Store.TouchAsync(key, T0.AddMinutes(10), 0.25));
        var record = await LoadAsync(key);
        Assert.Equal(T0.AddMinutes(30), record!.Lifetime.ExpiresAt);
        AssertValues(record, ("a", 1));
    }

    [Fact]
    public async Task Touch_of_a_missing_expired_or_non_sliding_session_does_nothing()
    {
        Assert.False(await Store.TouchAsync(NewKey(), T0, 0));

        var expired = NewKey();
        await Store.CreateAsync(expired, NewRecord());
        Assert.False(await Store.TouchAsync(expired, T0 + Idle, 0));
        Assert.Null(await LoadAsync(expired, T0 + Idle));

        var fixedEnd = NewKey();
        var lifetime = new SessionLifetime(SessionExpiryMode.Absolute, T0.AddHours(1), T0.AddHours(1), null);
        await Store.CreateAsync(fixedEnd, new SessionRecord(null, T0, lifetime));
        Assert.False(await Store.TouchAsync(fixedEnd, T0.AddMinutes(50), 0));
        Assert.Equal(lifetime, (await LoadAsync(fixedEnd))!.Lifetime);
    }

    [Fact]
    public async Task Delete_removes_the_session_once()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        Assert.True(await Store.DeleteAsync(key));
        Assert.Null(await LoadAsync(key));
        Assert.False(await Store.DeleteAsync(key));
        Assert.False(await Store.DeleteAsync(NewKey()));
    }

    [Fact]
    public async Task DeleteExpired_deletes_only_expired_sessions_and_reports_progress()
    {
        var live = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();
        var expired = Enumerable.Range(0, 7).Select(_ => NewKey()).ToList();
        foreach (var key in expired)
        {
            await Store.CreateAsync(key, NewRecord(T0, values: [("a", 1)]));
        }

        foreach (var key in live)
        {
            await Store.CreateAsync(key, NewRecord(T0.AddMinutes(30), values: [("a", 1)]));
        }

        var now = T0.AddMinutes(40);
        var progress = new ProgressLog();
        Assert.Equal(7, await Store.DeleteExpiredAsync(now, progress));

        Assert.NotEmpty(progress.Reports);
        Assert.Equal(7, progress.Reports[^1].Deleted);
        Assert.True(progress.Reports[^1].Total is null or 7, $"total {progress.Reports[^1].Total}");
        AssertMonotonic(progress.Reports);
        foreach (var key in live)
        {
            Assert.NotNull(await LoadAsync(key, now));
        }

        foreach (var key in expired)
        {
            Assert.Null(await LoadAsync(key, T0));
        }

        Assert.Equal(0, await Store.DeleteExpiredAsync(now));
    }

    [Fact]
    public async Task DeleteExpired_with_nothing_expired_deletes_nothing()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());
        var progress = new ProgressLog();

        Assert.Equal(0, await Store.DeleteExpiredAsync(T0, progress));

        Assert.Equal(0, progress.Reports[^1].Deleted);
        Assert.NotNull(await LoadAsync(key));
    }

    [Fact]
    public async Task DeleteExpired_honours_a_cancelled_token()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.DeleteExpiredAsync(T0.AddDays(1), null, cts.Token));

        Assert.NotNull(await LoadAsync(key));
    }

    [Fact]
    public async Task Hundred_concurrent_saves_of_different_keys_to_one_session_all_survive()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(values: [("base", 0)]));

        var saves = Enumerable.Range(0, 100)
            .Select(i => Task.Run(async () => await Store.SaveAsync(key, Set(T0.AddSeconds(1), ("k" + i, (byte)i)))))
            .ToArray();
        var results = await Task.WhenAll(saves);

        Assert.All(results, r => Assert.Equal(SessionWriteOutcome.Applied, r));
        var record = await LoadAsync(key, T0.AddSeconds(1));
        Assert.NotNull(record);
        Assert.Equal(101, record.Values.Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(new[] { (byte)i }, record.Values["k" + i]);
        }

        Assert.Equal(101, record.Version);
    }

    [Fact]
    public async Task Concurrent_sets_and_removes_of_different_keys_merge()
    {
        var key = NewKey();
        var initial = Enumerable.Range(0, 50).Select(i => ("old" + i, (byte)i)).ToArray();
        await Store.CreateAsync(key, NewRecord(values: initial));

        var saves = Enumerable.Range(0, 50).Select(i => Task.Run(async () => await Store.SaveAsync(key, new SessionChangeSet
        {
            Now = T0,
            RemovedKeys = ["old" + i],
            SetValues = new Dictionary<string, byte[]> { ["new" + i] = [(byte)i] },
        })));
        await Task.WhenAll(saves);

        var record = await LoadAsync(key);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "new" + i).Order(StringComparer.Ordinal), record!.Values.Keys.Order(StringComparer.Ordinal));
    }

    protected static void AssertMonotonic(IReadOnlyList<SessionCleanupProgress> reports)
    {
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Deleted >= reports[i - 1].Deleted, $"progress went back from {reports[i - 1].Deleted} to {reports[i].Deleted}");
        }
    }

    /// <summary>Records reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    protected sealed class ProgressLog : IProgress<SessionCleanupProgress>
    {
        private readonly List<SessionCleanupProgress> _reports = [];

        public IReadOnlyList<SessionCleanupProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(SessionCleanupProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
