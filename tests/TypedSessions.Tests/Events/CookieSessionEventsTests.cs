using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Events;

/// <summary>
/// Session events with the encrypted cookie store: created, cycled and flushed follow the cookie the response carries;
/// an expired cookie is an expiry for certain (the payload carries it) and is reported with its user.
/// </summary>
public sealed class CookieSessionEventsTests
{
    private sealed class App(WebApplication app, FakeTimeProvider time, CapturingLoggerProvider logs, RecordingEvents events) : IAsyncDisposable
    {
        public FakeTimeProvider Time => time;

        public CapturingLoggerProvider Logs => logs;

        public RecordingEvents Events => events;

        public SessionClient CreateClient() => new(app.GetTestServer().CreateClient());

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<App> StartAsync(ISessionEvents? first = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();

        // The real present: the client judges the cookie's Expires by the real clock.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        var events = new RecordingEvents();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var sessions = builder.Services.AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero).AddCookieStore();
        if (first is not null)
        {
            sessions.AddEvents(first);
        }

        sessions.AddEvents(events);
        var app = builder.Build();

        // As in production: a failed request becomes a 500 response, which still runs the response's OnStarting callbacks.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = c => c.Response.WriteAsync("failed") });
        app.UseTypedSessions();
        Endpoints.Map(app);
        app.MapPost("/signin", (HttpContext c, string user) =>
        {
            c.GetSession().SignIn(user);
            return Results.NoContent();
        });
        await app.StartAsync();
        return new App(app, time, logs, events);
    }

    [Fact]
    public async Task Created_cycled_and_flushed_follow_the_cookie_with_matching_handles()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/set?key=name&value=alice");
        await client.GetStringAsync("/read?key=name");
        await client.PostAsync("/signin?user=alice");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/flush")).StatusCode);

        Assert.Null(client.Cookie);
        SessionHandle first = default, second = default;
        Assert.Collection(
            app.Events.All,
            e =>
            {
                var created = Assert.IsType<SessionCreatedContext>(e);
                Assert.Null(created.UserKey);
                first = created.Handle;
            },
            e =>
            {
                var cycled = Assert.IsType<SessionIdCycledContext>(e);
                Assert.Equal(first, cycled.OldHandle);
                Assert.Equal("alice", cycled.UserKey);
                second = cycled.NewHandle;
            },
            e => Assert.Equal(new SessionFlushedContext(second, "alice", app.Time.GetUtcNow()), e));
        Assert.NotEqual(first, second);
        Assert.Matches("^[0-9a-f]{16}$", first.ToString());
    }

    [Fact]
    public async Task An_expired_cookie_is_reported_once_as_a_confirmed_expiry_with_its_user()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/signin?user=alice");
        var handle = Assert.IsType<SessionCreatedContext>(Assert.Single(app.Events.All)).Handle;
        app.Events.Clear();
        app.Time.Advance(TimeSpan.FromMinutes(21));

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        Assert.Null(client.Cookie); // the response deleted the dead cookie
        await client.GetStringAsync("/read?key=name");

        var expired = Assert.IsType<SessionExpiredContext>(Assert.Single(app.Events.All));
        Assert.Equal(new SessionExpiredContext(SessionExpirySource.Request, handle, "alice", 1, true, app.Time.GetUtcNow()), expired);
    }

    [Fact]
    public async Task An_expired_cookie_then_a_write_reports_the_expiry_before_the_new_session()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Events.Clear();
        app.Time.Advance(TimeSpan.FromMinutes(21));

        await client.PostAsync("/set?key=name&value=bob");

        Assert.Collection(
            app.Events.All,
            e => Assert.Equal(SessionExpirySource.Request, Assert.IsType<SessionExpiredContext>(e).Source),
            e => Assert.IsType<SessionCreatedContext>(e));
    }

    [Fact]
    public async Task Reads_and_failed_requests_raise_nothing_but_a_seen_expiry()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Events.Clear();

        await client.GetStringAsync("/read?key=name");
        await client.GetStringAsync("/info");
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/throw")).StatusCode);
        Assert.Empty(app.Events.All);

        app.Time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/throw")).StatusCode);
        Assert.IsType<SessionExpiredContext>(Assert.Single(app.Events.All)); // seen on the way in, whatever the endpoint did
    }

    [Fact]
    public async Task A_throwing_handler_leaves_the_cookie_response_2xx()
    {
        await using var app = await StartAsync(new ThrowingEvents(async: true));
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/set?key=name&value=alice")).StatusCode);

        Assert.NotNull(client.Cookie);
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        Assert.Single(app.Events.All);
        Assert.Single(app.Logs.Entries, e => e.Id.Id == 30);
    }
}
