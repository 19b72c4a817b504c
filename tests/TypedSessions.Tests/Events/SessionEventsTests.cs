using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSessions.AspNetCore;
using TypedSessions.Ids;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Events;

/// <summary>
/// Session events through the real pipeline (id cookie, memory store behind an instrumented wrapper): each raised once,
/// after the store took the change, with the handle and user key — and never for a refused or failed commit, a read or a
/// touch.
/// </summary>
public sealed class SessionEventsTests
{
    private sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public async Task PassAsync()
        {
            _entered.TrySetResult();
            await _release.Task;
        }

        public void Release() => _release.TrySetResult();
    }

    private static async Task<(TestApp App, RecordingEvents Events)> StartAsync(Action<IServiceCollection>? services = null)
    {
        var events = new RecordingEvents();
        var app = await TestApp.StartAsync(
            app =>
            {
                Endpoints.Map(app);
                app.MapPost("/signin", (HttpContext c, string user) =>
                {
                    c.GetSession().SignIn(user);
                    return Results.NoContent();
                });
                app.MapPost("/revoke", async (HttpContext c) =>
                {
                    await c.GetSession().RevokeUserSessionsAsync(c.RequestAborted);
                    return Results.NoContent();
                });
                app.MapPost("/flush-then-set", (HttpContext c) =>
                {
                    var session = c.GetSession();
                    session.Flush();
                    session.Set("name", "fresh");
                    return Results.NoContent();
                });
                app.MapPost("/gated-inc", async (HttpContext c, Gate gate) =>
                {
                    var session = c.GetSession();
                    var value = session.Get<int>("n") + 1;
                    await gate.PassAsync();
                    session.Set("n", value);
                    return Results.NoContent();
                });
            },
            services: s =>
            {
                s.AddSingleton<Gate>();
                services?.Invoke(s);

                // Through the builder, as an app registers a handler.
                s.AddTypedSessions().AddEvents(events);
            });
        return (app, events);
    }

    private static SessionHandle HandleOf(string? cookie)
    {
        Assert.True(SessionId.TryParse(cookie, out var id), "not a session id: " + cookie);
        return SessionHandle.FromStoreKey(id!.StoreKey);
    }

    private static void AssertNoIdIn(RecordingEvents events, params string?[] cookies)
    {
        foreach (var handle in events.Handles())
        {
            Assert.Matches("^[0-9a-f]{16}$", handle);
            foreach (var cookie in cookies.OfType<string>())
            {
                Assert.NotEqual(cookie, handle);
                Assert.DoesNotContain(handle, cookie, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task The_first_write_of_a_new_session_raises_created_once_with_its_handle()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/set?key=name&value=alice")).StatusCode);
        await client.PostAsync("/set?key=more&value=1");

        var created = Assert.IsType<SessionCreatedContext>(Assert.Single(events.All));
        Assert.Equal(HandleOf(client.Cookie), created.Handle);
        Assert.Null(created.UserKey);
        Assert.Equal(app.Time.GetUtcNow(), created.Timestamp);
        AssertNoIdIn(events, client.Cookie);
    }

    [Fact]
    public async Task Reads_touches_and_requests_without_a_session_raise_nothing()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        events.Clear();

        await client.GetStringAsync("/read?key=name");
        app.Time.Advance(TimeSpan.FromMinutes(10)); // past the refresh threshold: this read slides the expiry
        await client.GetStringAsync("/read?key=name");
        using var anonymous = app.CreateClient();
        await anonymous.GetStringAsync("/noop");
        await anonymous.GetStringAsync("/read?key=name");

        Assert.Empty(events.All);
        Assert.True(app.Store.Calls("load") >= 2);
    }

    [Fact]
    public async Task Cycling_raises_id_cycled_with_the_old_and_new_handles()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var oldCookie = client.Cookie;
        events.Clear();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/cycle")).StatusCode);

        var cycled = Assert.IsType<SessionIdCycledContext>(Assert.Single(events.All));
        Assert.Equal(HandleOf(oldCookie), cycled.OldHandle);
        Assert.Equal(HandleOf(client.Cookie), cycled.NewHandle);
        Assert.NotEqual(cycled.OldHandle, cycled.NewHandle);
        Assert.Null(cycled.UserKey);
        AssertNoIdIn(events, oldCookie, client.Cookie);
    }

    [Fact]
    public async Task Signing_in_on_an_anonymous_session_raises_id_cycled_with_the_user()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=cart&value=tea");
        var anonymous = client.Cookie;
        events.Clear();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/signin?user=alice")).StatusCode);

        var cycled = Assert.IsType<SessionIdCycledContext>(Assert.Single(events.All));
        Assert.Equal(HandleOf(anonymous), cycled.OldHandle);
        Assert.Equal(HandleOf(client.Cookie), cycled.NewHandle);
        Assert.Equal("alice", cycled.UserKey);
    }

    [Fact]
    public async Task Signing_in_without_a_stored_session_raises_created_with_the_user()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        await client.PostAsync("/signin?user=alice");

        var created = Assert.IsType<SessionCreatedContext>(Assert.Single(events.All));
        Assert.Equal(HandleOf(client.Cookie), created.Handle);
        Assert.Equal("alice", created.UserKey);
    }

    [Fact]
    public async Task Signing_in_as_another_user_raises_flushed_for_the_old_session_then_created_for_the_new()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/signin?user=alice");
        var alices = client.Cookie;
        events.Clear();

        await client.PostAsync("/signin?user=bob");

        Assert.Collection(
            events.All,
            e =>
            {
                var flushed = Assert.IsType<SessionFlushedContext>(e);
                Assert.Equal(HandleOf(alices), flushed.Handle);
                Assert.Equal("alice", flushed.UserKey);
            },
            e =>
            {
                var created = Assert.IsType<SessionCreatedContext>(e);
                Assert.Equal(HandleOf(client.Cookie), created.Handle);
                Assert.Equal("bob", created.UserKey);
            });
    }

    [Fact]
    public async Task Flushing_raises_flushed_with_the_handle_and_the_user_it_was_bound_to()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/signin?user=alice");
        var cookie = client.Cookie;
        events.Clear();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/flush")).StatusCode);

        var flushed = Assert.IsType<SessionFlushedContext>(Assert.Single(events.All));
        Assert.Equal(HandleOf(cookie), flushed.Handle);
        Assert.Equal("alice", flushed.UserKey);
        Assert.Null(client.Cookie);
    }

    [Fact]
    public async Task A_write_refused_as_a_conflict_raises_nothing()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var gate = app.Services.GetRequiredService<Gate>();
        var manager = app.Services.GetRequiredService<ISessionManager>();
        events.Clear();

        using var slow = app.CreateClient();
        slow.Cookie = client.Cookie;
        var pending = slow.PostAsync("/gated-inc");
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var other = await manager.OpenAsync(client.Cookie!);
        other.Set("n", 41); // the slow request read "n" as absent and writes it: a conflict
        await manager.SaveAsync(other);
        gate.Release();
        var response = await pending;

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(events.All);
    }

    [Fact]
    public async Task A_write_with_an_id_cycled_meanwhile_is_409_and_raises_nothing_for_it()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var gate = app.Services.GetRequiredService<Gate>();
        var oldCookie = client.Cookie;

        using var slow = app.CreateClient();
        slow.Cookie = oldCookie;
        var pending = slow.PostAsync("/gated-inc");
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        events.Clear();
        await client.PostAsync("/cycle");
        gate.Release();
        var response = await pending;

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.IsType<SessionIdCycledContext>(Assert.Single(events.All)); // the cycle's own, nothing for the refused write
    }

    [Theory]
    [InlineData("create", "/set?key=name&value=alice", false)]
    [InlineData("save", "/set?key=name&value=bob", true)]
    [InlineData("cycle", "/cycle", true)]
    [InlineData("end", "/flush", true)]
    [InlineData("end", "/flush-then-set", true)]
    public async Task A_commit_the_store_fails_is_503_and_raises_nothing(string operation, string path, bool seeded)
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        if (seeded)
        {
            await client.PostAsync("/set?key=name&value=alice");
        }

        events.Clear();
        app.Store.FailOn = operation;

        var response = await client.PostAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, app.Store.Calls(operation));
        Assert.Empty(events.All);
    }

    [Fact]
    public async Task A_flush_then_write_raises_flushed_then_created_only_once_both_are_stored()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var old = client.Cookie;
        events.Clear();

        await client.PostAsync("/flush-then-set");

        Assert.Collection(
            events.All,
            e => Assert.Equal(HandleOf(old), Assert.IsType<SessionFlushedContext>(e).Handle),
            e => Assert.Equal(HandleOf(client.Cookie), Assert.IsType<SessionCreatedContext>(e).Handle));
    }

    [Fact]
    public async Task A_request_presenting_an_expired_id_raises_expired_with_its_handle_unconfirmed()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        await client.PostAsync("/signin?user=alice");
        var cookie = client.Cookie;
        events.Clear();
        app.Time.Advance(TimeSpan.FromMinutes(21)); // past the 20-minute idle timeout

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));

        var expired = Assert.IsType<SessionExpiredContext>(Assert.Single(events.All));
        Assert.Equal(SessionExpirySource.Request, expired.Source);
        Assert.Equal(HandleOf(cookie), expired.Handle);
        Assert.Null(expired.UserKey); // the store returns nothing for an expired record
        Assert.Equal(1, expired.Count);
        Assert.False(expired.ExpiryConfirmed); // an expired and an unknown id look the same to a server-side store
        Assert.Equal(app.Time.GetUtcNow(), expired.Timestamp);
    }

    [Fact]
    public async Task An_unknown_well_formed_id_is_reported_the_same_way_and_a_malformed_or_tombstoned_one_not_at_all()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        var unknown = SessionId.New();

        client.Cookie = unknown.Value;
        await client.GetStringAsync("/read?key=name");

        var expired = Assert.IsType<SessionExpiredContext>(Assert.Single(events.All));
        Assert.Equal(SessionHandle.FromStoreKey(unknown.StoreKey), expired.Handle);
        Assert.False(expired.ExpiryConfirmed);

        events.Clear();
        client.Cookie = "not-a-session-id";
        await client.GetStringAsync("/read?key=name");
        Assert.Empty(events.All); // ignored without store I/O

        client.Cookie = null;
        await client.PostAsync("/set?key=name&value=alice");
        var old = client.Cookie;
        await client.PostAsync("/cycle");
        events.Clear();
        client.Cookie = old; // a tombstone: cycled moments ago, not expired
        await client.GetStringAsync("/read?key=name");

        Assert.Empty(events.All);
    }

    [Fact]
    public async Task Revoking_a_users_sessions_from_a_request_raises_revoked_once_and_no_flush()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var phone = app.CreateClient();
        using var laptop = app.CreateClient();
        await phone.PostAsync("/signin?user=alice");
        await laptop.PostAsync("/signin?user=alice");
        events.Clear();

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.PostAsync("/revoke")).StatusCode);

        var revoked = Assert.IsType<SessionsRevokedContext>(Assert.Single(events.All));
        Assert.Equal("alice", revoked.UserKey);
        Assert.Equal(2, revoked.Count);
    }

    [Fact]
    public async Task A_throwing_handler_leaves_the_response_2xx_the_write_stored_and_is_logged()
    {
        var (app, events) = await StartAsync(s => s.AddSingleton<ISessionEvents>(new ThrowingEvents(async: false)));
        await using var _ = app;
        using var client = app.CreateClient();

        var response = await client.PostAsync("/set?key=name&value=alice");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotNull(client.Cookie);
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.IsType<SessionCreatedContext>(Assert.Single(events.All)); // the next handler still ran
        var logged = Assert.Single(app.Logs.Entries, e => e.Id.Id == 30);
        Assert.Equal("SessionEventHandlerFailed", logged.Id.Name);
        Assert.Contains(nameof(ThrowingEvents), logged.Text, StringComparison.Ordinal);
        Assert.Contains(HandleOf(client.Cookie).ToString(), logged.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Cookie!, logged.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_throwing_handler_fails_no_lifecycle_request(bool async)
    {
        var (app, events) = await StartAsync(s => s.AddSingleton<ISessionEvents>(new ThrowingEvents(async)));
        await using var _ = app;
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/signin?user=alice")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/cycle")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/signin?user=bob")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/set?key=name&value=carol")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/flush")).StatusCode);
        client.Cookie = SessionId.New().Value;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/read?key=name")).StatusCode);

        Assert.Equal(events.All.Count, app.Logs.Entries.Count(e => e.Id.Id == 30));
        // created, cycled, flushed + created (bob), revoked (its flush finds nothing to end), created, flushed, expired.
        Assert.Equal(8, events.All.Count);
    }

    [Fact]
    public async Task A_handler_that_implements_nothing_takes_the_defaults()
    {
        var (app, events) = await StartAsync(s => s.AddSingleton<ISessionEvents, NoOpEvents>());
        await using var _ = app;
        using var client = app.CreateClient();

        await client.PostAsync("/signin?user=alice");
        await client.PostAsync("/flush");

        Assert.Equal(2, events.All.Count);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Id.Id == 30);
    }

    [Fact]
    public async Task Parallel_requests_creating_sessions_raise_one_created_event_each()
    {
        const int Requests = 24;
        var (app, events) = await StartAsync();
        await using var _ = app;
        var clients = Enumerable.Range(0, Requests).Select(_ => app.CreateClient()).ToList();

        var responses = await Task.WhenAll(clients.Select(c => Task.Run(() => c.PostAsync("/set?key=name&value=x"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        var created = events.Of<SessionCreatedContext>();
        Assert.Equal(Requests, created.Count);
        Assert.Equal(Requests, events.All.Count);
        Assert.Equal(clients.Select(c => HandleOf(c.Cookie)).ToHashSet(), created.Select(c => c.Handle).ToHashSet());
        AssertNoIdIn(events, [.. clients.Select(c => c.Cookie)]);
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task The_session_manager_raises_created_cycled_flushed_and_revoked_with_the_right_handles_in_order()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var now = app.Time.GetUtcNow();

        var first = manager.Create();
        first.SignIn("alice");
        var created = await manager.SaveAsync(first);
        var reopened = await manager.OpenAsync(created.SessionId!);
        reopened.CycleId();
        var cycled = await manager.SaveAsync(reopened);
        var second = manager.Create();
        second.SignIn("alice");
        var other = await manager.SaveAsync(second);
        var ending = await manager.OpenByStoreKeyAsync(cycled.StoreKey!);
        ending.Flush();
        await manager.SaveAsync(ending);
        var revoked = await manager.RevokeUserAsync("alice");

        Assert.Equal(1, revoked);
        Assert.Collection(
            events.All,
            e => Assert.Equal(new SessionCreatedContext(SessionHandle.FromStoreKey(created.StoreKey!), "alice", now), e),
            e => Assert.Equal(new SessionIdCycledContext(SessionHandle.FromStoreKey(created.StoreKey!), SessionHandle.FromStoreKey(cycled.StoreKey!), "alice", now), e),
            e => Assert.Equal(new SessionCreatedContext(SessionHandle.FromStoreKey(other.StoreKey!), "alice", now), e),
            e => Assert.Equal(new SessionFlushedContext(SessionHandle.FromStoreKey(cycled.StoreKey!), "alice", now), e),
            e => Assert.Equal(new SessionsRevokedContext("alice", 1, now), e));
        AssertNoIdIn(events, created.SessionId, cycled.SessionId, other.SessionId);
    }

    [Fact]
    public async Task The_session_managers_cleanup_raises_one_expired_event_with_the_count()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        var manager = app.Services.GetRequiredService<ISessionManager>();
        using var first = app.CreateClient();
        using var second = app.CreateClient();
        await first.PostAsync("/set?key=name&value=a");
        await second.PostAsync("/set?key=name&value=b");
        app.Time.Advance(TimeSpan.FromMinutes(25));
        events.Clear();

        var deleted = await manager.DeleteExpiredAsync();

        Assert.Equal(2, deleted);
        Assert.Equal(new SessionExpiredContext(SessionExpirySource.Cleanup, null, null, 2, true, app.Time.GetUtcNow()), Assert.Single(events.All));

        events.Clear();
        Assert.Equal(0, await manager.DeleteExpiredAsync());
        Assert.Empty(events.All); // a pass that deleted nothing says nothing
    }

    [Fact]
    public async Task The_cleanup_service_raises_one_expired_event_with_the_count()
    {
        var (app, events) = await StartAsync();
        await using var _ = app;
        using var first = app.CreateClient();
        using var second = app.CreateClient();
        await first.PostAsync("/set?key=name&value=a");
        await second.PostAsync("/set?key=name&value=b");
        app.Time.Advance(TimeSpan.FromMinutes(25));
        events.Clear();
        var cleanup = app.Services.GetServices<IHostedService>().OfType<SessionCleanupService>().Single();

        var deleted = await cleanup.RunOnceAsync(CancellationToken.None);

        Assert.Equal(2, deleted);
        var expired = Assert.IsType<SessionExpiredContext>(Assert.Single(events.All));
        Assert.Equal(new SessionExpiredContext(SessionExpirySource.Cleanup, null, null, 2, true, app.Time.GetUtcNow()), expired);

        events.Clear();
        Assert.Equal(0, await cleanup.RunOnceAsync(CancellationToken.None));
        Assert.Empty(events.All);
    }

    [Fact]
    public async Task An_in_memory_manager_raises_events_on_the_handler_it_was_given()
    {
        var events = new RecordingEvents();
        var manager = SessionManager.CreateInMemory(events: events);

        var session = manager.Create();
        session.Set("name", "alice");
        var saved = await manager.SaveAsync(session);

        var created = Assert.IsType<SessionCreatedContext>(Assert.Single(events.All));
        Assert.Equal(SessionHandle.FromStoreKey(saved.StoreKey!), created.Handle);
        Assert.DoesNotContain(created.Handle.ToString(), saved.SessionId!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Without_handlers_raising_events_allocates_nothing()
    {
        using var h = new SessionTestHarness();
        var events = h.Coordinator.Events;
        var id = SessionId.New();
        var other = SessionId.New();
        var now = h.Now;
        var completed = 0;
        void RaiseAll()
        {
            for (var i = 0; i < 1000; i++)
            {
                completed += events.CreatedAsync(id, "alice", now).IsCompletedSuccessfully ? 1 : 0;
                completed += events.IdCycledAsync(id, other, "alice", now).IsCompletedSuccessfully ? 1 : 0;
                completed += events.FlushedAsync(id, "alice", now).IsCompletedSuccessfully ? 1 : 0;
                completed += events.RevokedAsync("alice", 2, now, default).IsCompletedSuccessfully ? 1 : 0;
                completed += events.ExpiredOnRequestAsync(id, null, confirmed: false, now).IsCompletedSuccessfully ? 1 : 0;
                completed += events.CleanedUpAsync(3, now, default).IsCompletedSuccessfully ? 1 : 0;
            }
        }

        RaiseAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        RaiseAll();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(events.IsEnabled);
        Assert.Equal(0, allocated);
        Assert.Equal(12_000, completed);
    }
}
