using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests;

/// <summary>
/// <see cref="ISessionManager"/>: sessions outside a request (a background job, a tool, a unit test) with the request's
/// API and commit — per-key merge with concurrent requests, conflict and interruption checks, store failures.
/// </summary>
public sealed class SessionManagerTests
{
    private static Task<TestApp> StartAsync(Action<TypedSessionOptions>? configure = null)
        => TestApp.StartAsync(
            app =>
            {
                Endpoints.Map(app);
                app.MapPost("/signin", (HttpContext c, string user) =>
                {
                    c.GetSession().SignIn(user);
                    return Results.NoContent();
                });
            },
            configure);

    [Fact]
    public async Task A_background_job_changes_a_session_a_browser_made_and_the_browser_sees_it()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var manager = app.Services.GetRequiredService<ISessionManager>();

        var session = await manager.OpenAsync(client.Cookie!);
        Assert.False(session.IsNew);
        Assert.Equal("alice", session.Get<string>("name"));
        session.Set("notice", "your order shipped");
        var saved = await manager.SaveAsync(session);

        Assert.Equal(client.Cookie, saved.SessionId);
        Assert.Equal("your order shipped", await client.GetStringAsync("/read?key=notice"));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.Equal(1, app.Store.Calls("save"));
    }

    [Fact]
    public async Task A_session_is_opened_by_its_store_key_and_its_secret_id_is_not_revealed()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        Assert.True(SessionId.TryParse(client.Cookie, out var id));
        var manager = app.Services.GetRequiredService<ISessionManager>();

        var session = await manager.OpenByStoreKeyAsync(id!.StoreKey);
        session.Set("name", "bob");
        var saved = await manager.SaveAsync(session);

        Assert.Null(saved.SessionId);
        Assert.Equal(id.StoreKey, saved.StoreKey);
        Assert.Equal("bob", await client.GetStringAsync("/read?key=name"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEF")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task A_malformed_store_key_is_refused_with_a_clear_error(string storeKey)
    {
        await using var app = await StartAsync();
        var manager = app.Services.GetRequiredService<ISessionManager>();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => manager.OpenByStoreKeyAsync(storeKey).AsTask());
        Assert.Contains("64 lowercase hex", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Store.Calls("load"));
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task An_unknown_or_malformed_id_opens_a_new_session_whose_save_starts_another_id(string sessionId)
    {
        await using var app = await StartAsync();
        var manager = app.Services.GetRequiredService<ISessionManager>();

        var session = await manager.OpenAsync(sessionId);
        Assert.True(session.IsNew);
        session.Set("k", "v");
        var saved = await manager.SaveAsync(session);

        Assert.NotNull(saved.SessionId);
        Assert.NotEqual(sessionId, saved.SessionId);
        Assert.Equal("v", (await manager.OpenAsync(saved.SessionId!)).Get<string>("k"));
    }

    [Fact]
    public async Task Created_sessions_get_an_id_only_when_they_hold_something()
    {
        await using var app = await StartAsync();
        var manager = app.Services.GetRequiredService<ISessionManager>();

        Assert.Equal(new SessionSaveResult(null, null), await manager.SaveAsync(manager.Create()));
        Assert.Equal(0, app.Store.Calls("create"));

        var session = manager.Create();
        session.Set("name", "alice");
        var saved = await manager.SaveAsync(session);
        Assert.NotNull(saved.SessionId);
        Assert.Equal(1, app.Store.Calls("create"));

        // The id works as a cookie.
        using var client = app.CreateClient();
        client.Cookie = saved.SessionId;
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.False(session.IsNew);
    }

    [Fact]
    public async Task A_saved_session_refuses_later_changes()
    {
        await using var app = await StartAsync();
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var session = manager.Create();
        session.Set("k", "v");
        await manager.SaveAsync(session);

        Assert.Throws<InvalidOperationException>(() => session.Set("k", "w"));
    }

    [Fact]
    public async Task A_job_and_requests_writing_other_keys_at_the_same_time_keep_every_write()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=seed&value=1");
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var cookie = client.Cookie!;

        // Twenty jobs and twenty requests, each writing its own key, all loaded before any commits.
        var jobs = new List<Session>();
        for (var i = 0; i < 20; i++)
        {
            var session = await manager.OpenAsync(cookie);
            session.Set("job" + i, i);
            jobs.Add(session);
        }

        var requests = Enumerable.Range(0, 20).Select(async i =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return (await c.PostAsync($"/set?key=req{i}&value={i}")).StatusCode;
        });
        var saves = jobs.Select(s => manager.SaveAsync(s).AsTask());
        var statuses = await Task.WhenAll(requests);
        await Task.WhenAll(saves);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
        var stored = await manager.OpenAsync(cookie);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i, stored.Get<int>("job" + i));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), stored.Get<string>("req" + i));
        }
    }

    [Fact]
    public async Task A_read_modify_write_that_raced_another_write_is_a_conflict_and_writes_nothing()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=balance&value=10");
        var manager = app.Services.GetRequiredService<ISessionManager>();

        var job = await manager.OpenAsync(client.Cookie!);
        var balance = int.Parse(job.Get<string>("balance")!, System.Globalization.CultureInfo.InvariantCulture);
        await client.PostAsync("/set?key=balance&value=5");
        job.Set("balance", (balance + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        job.Set("other", "x");

        var ex = await Assert.ThrowsAsync<SessionConflictException>(() => manager.SaveAsync(job).AsTask());
        Assert.Contains("balance", ex.Keys);
        Assert.Equal("5", await client.GetStringAsync("/read?key=balance"));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=other"));
    }

    [Fact]
    public async Task A_job_whose_session_was_signed_in_meanwhile_is_interrupted_and_writes_nothing()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var job = await manager.OpenAsync(client.Cookie!);

        await client.PostAsync("/signin?user=alice");
        job.Set("late", "x");

        await Assert.ThrowsAsync<SessionInterruptedException>(() => manager.SaveAsync(job).AsTask());
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=late"));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_flush_outside_a_request_ends_the_session_for_the_browser()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var manager = app.Services.GetRequiredService<ISessionManager>();

        var session = await manager.OpenAsync(client.Cookie!);
        session.Flush();
        Assert.Equal(new SessionSaveResult(null, null), await manager.SaveAsync(session));

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        Assert.Equal(1, app.Store.Calls("end"));
    }

    [Fact]
    public async Task Delete_revoke_statistics_and_cleanup_go_to_the_store()
    {
        await using var app = await StartAsync();
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var keys = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var session = manager.Create();
            session.BindUser("alice");
            keys.Add((await manager.SaveAsync(session)).StoreKey!);
        }

        var expiring = manager.Create();
        expiring.SetExpiry(TimeSpan.FromMinutes(1));
        await manager.SaveAsync(expiring);

        Assert.True(await manager.DeleteByStoreKeyAsync(keys[0]));
        Assert.False(await manager.DeleteByStoreKeyAsync(keys[0]));
        Assert.Equal(2, await manager.RevokeUserAsync("alice"));
        Assert.True((await manager.OpenByStoreKeyAsync(keys[1])).IsNew);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAsync<NotSupportedException>(() => manager.GetStatisticsAsync().AsTask());
        Assert.Equal(1, await manager.DeleteExpiredAsync());
    }

    [Fact]
    public async Task A_store_that_is_down_is_the_callers_exception_whatever_the_failure_policy()
    {
        await using var app = await StartAsync(o => o.FailurePolicy = StoreFailurePolicy.ContinueUnavailable);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var manager = app.Services.GetRequiredService<ISessionManager>();

        app.Store.FailOn = "load";
        await Assert.ThrowsAsync<SessionUnavailableException>(() => manager.OpenAsync(client.Cookie!).AsTask());
        app.Store.FailOn = null;

        var session = await manager.OpenAsync(client.Cookie!);
        session.Set("name", "bob");
        app.Store.FailOn = "save";
        await Assert.ThrowsAsync<SessionUnavailableException>(() => manager.SaveAsync(session).AsTask());
        app.Store.FailOn = null;
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));

        // The failure is final for that unit of work: saving it again does not try once more.
        await Assert.ThrowsAsync<SessionUnavailableException>(() => manager.SaveAsync(session).AsTask());
    }

    [Theory]
    [InlineData("fail")]
    [InlineData("hang")]
    public async Task The_direct_operations_on_a_store_that_fails_or_does_not_answer_are_SessionUnavailableException_within_the_store_timeout(string fault)
    {
        await using var app = await StartAsync(o => o.StoreTimeout = TimeSpan.FromMilliseconds(300));
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var session = manager.Create();
        session.BindUser("alice");
        var key = (await manager.SaveAsync(session)).StoreKey!;
        var operations = new (string StoreCall, Func<Task> Run)[]
        {
            ("delete", () => manager.DeleteByStoreKeyAsync(key).AsTask()),
            ("revoke", () => manager.RevokeUserAsync("alice").AsTask()),
            ("list", () => manager.ListUserSessionsAsync("alice").AsTask()),
            ("load", () => manager.ListUserSessionsAsync("alice").AsTask()),
            ("list", () => manager.EndUserSessionAsync("alice", "any").AsTask()),
        };

        foreach (var (call, run) in operations)
        {
            app.Store.FailOn = fault == "fail" ? call : null;
            app.Store.HangOn = fault == "hang" ? call : null;

            // 20 s: a hang detector; the store timeout is 300 ms (a hanging call ignores its token).
            var ex = await Assert.ThrowsAsync<SessionUnavailableException>(() => run().WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains(fault == "fail" ? "failed to" : "within", ex.Message, StringComparison.Ordinal);
            if (fault == "fail")
            {
                Assert.IsType<SessionStoreException>(ex.InnerException);
            }
        }

        app.Store.FailOn = null;
        app.Store.HangOn = null;

        // Nothing was deleted or revoked; the caller's own cancellation stays a cancellation.
        Assert.False((await manager.OpenByStoreKeyAsync(key)).IsNew);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.DeleteByStoreKeyAsync(key, cancelled.Token).AsTask());
        Assert.Equal(1, await manager.RevokeUserAsync("alice"));
    }

    [Fact]
    public async Task A_request_session_is_not_saved_by_a_manager()
    {
        await using var app = await StartAsync();
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var other = SessionManager.CreateInMemory();

        await Assert.ThrowsAsync<ArgumentException>(() => manager.SaveAsync(other.Create()).AsTask());
    }

    [Fact]
    public async Task An_in_memory_manager_serves_unit_tests_of_app_code_with_expiry_on_a_fake_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var manager = SessionManager.CreateInMemory(o => o.IdleTimeout = TimeSpan.FromMinutes(10), time);

        var session = manager.Create();
        session.GetOrNew<List<string>>("cart").Add("tea");
        var saved = await manager.SaveAsync(session);
        Assert.IsType<Storage.Memory.MemorySessionStore>(manager.Store);

        Assert.Equal(["tea"], (await manager.OpenAsync(saved.SessionId!)).Get<List<string>>("cart"));
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.True((await manager.OpenAsync(saved.SessionId!)).IsNew);
    }

    [Fact]
    public async Task With_the_encrypted_cookie_there_is_no_manager_and_the_error_says_why()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddTypedSessions(o => o.Store = "Cookie").AddCookieStore();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<ISessionManager>());
        Assert.Contains("encrypted cookie", ex.Message, StringComparison.Ordinal);
    }
}
