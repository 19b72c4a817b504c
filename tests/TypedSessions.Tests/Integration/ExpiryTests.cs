using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Text.Json;

namespace TypedSessions.Tests.Integration;

public sealed class ExpiryTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task An_idle_session_expires_after_the_idle_timeout()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        app.Time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));

        // That read slid the window (more than 25% of it had passed): another 19 minutes later it is still alive.
        app.Time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));

        app.Time.Advance(Idle + TimeSpan.FromSeconds(1));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Sliding_refresh_is_throttled_reads_early_in_the_window_do_not_touch()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var before = await ExpiresAt(client);

        app.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(before, await ExpiresAt(client));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        var after = await ExpiresAt(client);
        Assert.Equal(before + TimeSpan.FromMinutes(6), after);

        // The touch happened inside the single load call: no extra store round trip.
        app.Store.Reset();
        app.Time.Advance(TimeSpan.FromMinutes(6));
        await client.GetStringAsync("/read?key=name");
        Assert.Equal(1, app.Store.TotalCalls);
    }

    [Fact]
    public async Task The_absolute_timeout_ends_even_an_active_session()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.AbsoluteTimeout = TimeSpan.FromHours(1));
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        }

        app.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_relative_expiry_replaces_the_idle_window()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        var response = await client.PostAsync("/expiry/relative?seconds=60");

        Assert.Contains("max-age=28800", SessionClient.SetCookie(response), StringComparison.Ordinal);
        Assert.Equal("Relative", await Mode(client));
        app.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task An_absolute_expiry_ends_the_session_at_that_instant_and_sets_the_cookie_to_match()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var at = app.Time.GetUtcNow().AddMinutes(90);

        var response = await client.PostAsync("/expiry/absolute?at=" + Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture)));

        Assert.Contains("max-age=5400", SessionClient.SetCookie(response), StringComparison.Ordinal);
        Assert.Equal(at, await ExpiresAt(client));

        // No sliding: activity does not extend it.
        app.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        app.Time.Advance(TimeSpan.FromMinutes(75) + TimeSpan.FromSeconds(1));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task An_absolute_expiry_is_capped_by_the_absolute_timeout()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var created = app.Time.GetUtcNow();

        await client.PostAsync("/expiry/absolute?at=" + Uri.EscapeDataString(created.AddDays(30).ToString("O", CultureInfo.InvariantCulture)));

        Assert.Equal(created.AddHours(8), await ExpiresAt(client));
    }

    [Fact]
    public async Task Browser_close_mode_sends_a_cookie_without_max_age_and_the_server_still_enforces_idle()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        var response = await client.PostAsync("/expiry/browser");

        var header = SessionClient.SetCookie(response)!;
        Assert.DoesNotContain("max-age", header, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", header, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("BrowserClose", await Mode(client));
        app.Time.Advance(Idle + TimeSpan.FromSeconds(1));
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Reset_returns_to_the_configured_timeouts()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        await client.PostAsync("/expiry/browser");

        var response = await client.PostAsync("/expiry/reset");

        Assert.Contains("max-age=28800", SessionClient.SetCookie(response), StringComparison.Ordinal);
        Assert.Equal("Default", await Mode(client));
        Assert.Equal(app.Time.GetUtcNow() + Idle, await ExpiresAt(client));
    }

    [Fact]
    public async Task Setting_expiry_on_an_anonymous_request_establishes_a_session()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        await client.PostAsync("/expiry/relative?seconds=300");

        Assert.NotNull(client.Cookie);
        Assert.Equal("Relative", await Mode(client));
        Assert.Equal(1, app.Store.Calls("create"));
    }

    [Fact]
    public async Task The_cleanup_service_deletes_expired_sessions()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        using var other = app.CreateClient();
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await other.PostAsync("/set?key=name&value=bob");
        app.Time.Advance(TimeSpan.FromMinutes(15));

        var cleanup = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AspNetCore.SessionCleanupService>().Single();
        var deleted = await cleanup.RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal(1, ((Storage.Memory.MemorySessionStore)app.Store.Inner).Count);
        Assert.Equal("bob", await other.GetStringAsync("/read?key=name"));
    }

    private static async Task<DateTimeOffset> ExpiresAt(SessionClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/info"));
        return doc.RootElement.GetProperty("expiresAt").GetDateTimeOffset();
    }

    private static async Task<string> Mode(SessionClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/info"));
        return doc.RootElement.GetProperty("mode").GetString()!;
    }
}
