using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;

namespace TypedSessions.Tests.Integration;

public sealed class FailureTests
{
    [Fact]
    public async Task A_store_that_throws_on_load_gives_503_with_retry_after_and_runs_nothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();
        app.Store.FailOn = "load";

        var response = await client.PostAsync("/set?key=name&value=overwritten");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(1, app.Store.TotalCalls);

        app.Store.FailOn = null;
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_store_call_abandoned_at_the_timeout_is_told_to_stop()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreTimeout = TimeSpan.FromMilliseconds(300));
        using var client = app.CreateClient();
        await client.SeedAsync();
        app.Store.LoadWaitsForCancellation = true;

        var response = await client.GetAsync("/read?key=name");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await app.Store.LoadCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_store_that_hangs_on_load_gives_503_within_the_timeout_and_writes_nothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreTimeout = TimeSpan.FromMilliseconds(300));
        using var client = app.CreateClient();
        await client.SeedAsync();
        app.Store.Reset();
        app.Store.HangOn = "load";
        var watch = Stopwatch.StartNew();

        var response = await client.PostAsync("/set?key=name&value=overwritten");

        // Bounded: the request ends (no hang); the bound itself is a configured value, not a benchmark.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, app.Store.Calls("save") + app.Store.Calls("create"));

        app.Store.HangOn = null;
        Assert.Equal("alice", await client.GetStringOnceAvailableAsync("/read?key=name"));
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "StoreTimedOut");
    }

    [Fact]
    public async Task A_store_that_blocks_its_caller_synchronously_still_gives_503_within_the_timeout()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreTimeout = TimeSpan.FromMilliseconds(300));
        using var client = app.CreateClient();
        await client.SeedAsync();
        app.Store.BlockOn = "save";

        // Released long after the timeout, so a request held by the blocked call shows up as slow, not as a hung test.
        using var release = new Timer(_ => app.Store.Unblock.Set(), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync("/set?key=name&value=bob");
        var elapsed = watch.Elapsed;
        app.Store.Unblock.Set();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"the request took {elapsed}: it waited for the blocked store call");
    }

    [Fact]
    public async Task A_store_declaring_NeverBlocksCaller_is_called_on_the_request_thread_so_its_blocking_is_not_bounded()
    {
        // The other side of the test above: the thread-pool hop is what bounds a blocking store, and a store
        // that declares NeverBlocksCaller gives it up. This shows the flag is honoured (and why a store must
        // not declare it falsely): the request cannot answer before the store call returns.
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreTimeout = TimeSpan.FromMilliseconds(300));
        using var client = app.CreateClient();
        await client.SeedAsync();
        app.Store.ClaimsNeverBlocksCaller = true;
        app.Store.BlockOn = "save";

        using var release = new Timer(_ => app.Store.Unblock.Set(), null, TimeSpan.FromSeconds(1.5), Timeout.InfiniteTimeSpan);
        var watch = Stopwatch.StartNew();
        await client.PostAsync("/set?key=name&value=bob");
        var elapsed = watch.Elapsed;

        Assert.True(elapsed >= TimeSpan.FromSeconds(1.4), $"the request answered after {elapsed}, before the blocked store call returned: the call did not run inline");
    }

    [Fact]
    public async Task On_demand_load_failure_also_gives_503()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.LoadMode = SessionLoadMode.OnDemand);
        using var client = app.CreateClient();
        await client.PostAsync("/bound-set?value=alice");
        app.Store.FailOn = "load";

        var response = await client.GetAsync("/bound");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Continue_unavailable_runs_the_endpoint_with_a_session_whose_writes_throw()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.FailurePolicy = StoreFailurePolicy.ContinueUnavailable);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();
        app.Store.FailOn = "load";

        Assert.Equal("unavailable; write refused", await client.GetStringAsync("/available"));
        Assert.Equal(1, app.Store.TotalCalls);
        Assert.Null(SessionClient.SetCookie(client.Last!));

        app.Store.FailOn = null;
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_failed_save_before_the_response_started_gives_503()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.FailOn = "save";

        var response = await client.PostAsync("/set?key=name&value=bob");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        app.Store.FailOn = null;
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_failed_save_of_an_endpoint_that_wrote_a_body_gives_503_and_none_of_the_body()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.FailOn = "save";

        // The JSON body is held back until the save: the client gets the 503, never a 200 for an unsaved write.
        var response = await client.PostAsync("/set-json?key=name&value=bob");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain("bob", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        app.Store.FailOn = null;
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task The_session_is_saved_before_the_response_starts_so_a_200_means_stored()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, services: s => s.AddHttpContextAccessor());
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
        var startedAtSave = new List<bool>();
        app.Store.OnCall = operation =>
        {
            if (operation == "save")
            {
                startedAtSave.Add(accessor.HttpContext!.Response.HasStarted);
            }
        };

        var response = await client.PostAsync("/set-json?key=name&value=bob");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([false], startedAtSave);
    }

    [Fact]
    public async Task A_failed_save_after_the_endpoint_started_the_response_aborts_the_request_rather_than_report_success()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.FailOn = "save";

        // The endpoint flushed (nothing changed yet, so nothing was saved), then wrote the session.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var response = await client.PostAsync("/stream-then-set?key=name&value=bob");
            await response.Content.ReadAsStringAsync();
        });

        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "CommitFailedAfterStart");
    }

    [Fact]
    public async Task Corrupt_stored_data_is_treated_as_absent_and_never_overwritten()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, store: _ => new CorruptingStore());
        using var client = app.CreateClient();
        client.Cookie = Ids.SessionId.New().Value;

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        var presented = client.Cookie;
        await client.PostAsync("/set?key=name&value=alice");

        Assert.NotEqual(presented, client.Cookie);
        Assert.Equal(0, app.Store.Calls("save"));
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "SessionCorrupt");
    }

    [Fact]
    public async Task An_oversized_session_is_a_clear_error_naming_size_and_limit_and_nothing_is_written()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.MaxSessionSize = 1000);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();

        var ex = await Assert.ThrowsAsync<SessionTooLargeException>(() => client.PostAsync("/big?size=2000"));

        Assert.Equal(1000, ex.Limit);
        Assert.True(ex.Size > 2000);
        Assert.Contains("1000", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Store.Calls("save"));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    /// <summary>A store whose every record decodes as garbage.</summary>
    private sealed class CorruptingStore : Storage.ISessionStore
    {
        private readonly Storage.Memory.MemorySessionStore _inner = new();

        public Storage.SessionStoreCapabilities Capabilities => _inner.Capabilities;

        public ValueTask<Storage.SessionLoadResult> LoadAsync(string key, Storage.SessionLoadRequest request, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(new Storage.SessionLoadResult(Storage.SessionEnvelope.Deserialize(new byte[] { 0x93, 0x01 }), false));

        public ValueTask<bool> CreateAsync(string key, Storage.SessionRecord record, CancellationToken cancellationToken = default) => _inner.CreateAsync(key, record, cancellationToken);

        public ValueTask<Storage.SessionWriteOutcome> SaveAsync(string key, Storage.SessionChangeSet changes, CancellationToken cancellationToken = default) => _inner.SaveAsync(key, changes, cancellationToken);

        public ValueTask<Storage.SessionWriteOutcome> CycleAsync(string key, string newKey, Storage.SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default) => _inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);

        public ValueTask<Storage.SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default) => _inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);

        public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default) => _inner.TouchAsync(key, now, threshold, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<Storage.SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default) => _inner.DeleteExpiredAsync(now, progress, cancellationToken);
    }
}
