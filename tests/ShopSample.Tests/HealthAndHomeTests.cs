using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSessions.TestSupport;

namespace ShopSample.Tests;

public sealed class HealthAndHomeTests
{
    [Fact]
    public async Task Health_answers_ok_as_text_without_a_cookie_and_uncached()
    {
        using var app = new ShopApp();
        using var response = await app.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoStore, "A health answer is never cached.");
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Health_probes_the_selected_session_store()
    {
        using var app = new ShopApp();

        // The check /health runs: TypedSessions' store check, on the store appsettings.json selects (Sqlite), with its own probe.
        var report = await app.Factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var (name, entry) = Assert.Single(report.Entries);
        Assert.Equal("typedsessions-store", name);
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Sqlite", entry.Data["store"]);
        Assert.Equal("store", entry.Data["probe"]);
    }

    [Fact]
    public async Task Health_is_503_unhealthy_when_the_session_store_does_not_answer_within_the_store_timeout()
    {
        // Redis selected by configuration, on a port nothing listens on; the probe is bounded by TypedSessions:StoreTimeout.
        using var app = new ShopApp(settings: new Dictionary<string, string?>
        {
            ["TypedSessions:Store"] = "Redis",
            ["TypedSessions:ConnectionString"] = $"127.0.0.1:{TestServers.FreePort()},connectTimeout=30000,asyncTimeout=30000,connectRetry=0",
            ["TypedSessions:StoreTimeout"] = "00:00:01",
        });

        var clock = Stopwatch.StartNew();
        using var response = await app.GetAsync("/health");

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15)); // the client's own timeouts are 30 s
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unhealthy", await response.Content.ReadAsStringAsync());
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Health_is_ok_with_the_encrypted_cookie_store_which_has_no_server_side_store()
    {
        using var app = new ShopApp(settings: new Dictionary<string, string?> { ["TypedSessions:Store"] = "Cookie" });
        await app.StartSessionAsync();

        using var response = await app.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Health_never_touches_the_session_even_with_a_session_cookie()
    {
        using var app = new ShopApp();
        var cookie = await app.StartSessionAsync();

        using var response = await app.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        response.AssertNoSetCookie();
        Assert.False(response.Headers.Vary.Contains("Cookie"), "A session-less endpoint does not vary by cookie.");
        Assert.Equal(cookie, app.CookieValue);
    }

    [Fact]
    public async Task Health_after_logout_does_not_resurrect_or_delete_anything()
    {
        using var app = new ShopApp();
        var cookie = await app.StartSessionAsync();
        using var flushed = await app.SendWithCookieAsync(cookie, HttpMethod.Post, "/api/logout");

        // The stale cookie on a session-less endpoint: no load, no delete cookie, no new session.
        using var response = await app.SendWithCookieAsync(cookie, HttpMethod.Get, "/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Home_asks_an_anonymous_visitor_to_log_in_and_names_the_store()
    {
        using var app = new ShopApp();
        using var response = await app.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Please log in.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Welcome,", html, StringComparison.Ordinal);
        Assert.Contains("Sqlite", html, StringComparison.Ordinal);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Home_welcomes_the_logged_in_user()
    {
        using var app = new ShopApp();
        await app.LoginAsync("bob", "builder");

        using var response = await app.GetAsync("/");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Welcome, bob!", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Please log in.", html, StringComparison.Ordinal);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Home_html_encodes_the_username()
    {
        using var app = new ShopApp(settings: new Dictionary<string, string?>
        {
            ["Shop:Users:2:Username"] = "<b>eve</b>&\"co\"",
            ["Shop:Users:2:Password"] = "sneaky",
            ["Shop:Users:2:UserId"] = "3",
        });
        await app.LoginAsync("<b>eve</b>&\"co\"", "sneaky");

        using var response = await app.GetAsync("/");

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Welcome, &lt;b&gt;eve&lt;/b&gt;&amp;&quot;co&quot;!", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>eve</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_are_stored_in_the_configured_sqlite_file()
    {
        using var app = new ShopApp();
        await app.LoginAsync();

        // The store chosen by appsettings.json (Sqlite) writes to TypedSessions:ConnectionString.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = app.Factory.DatabasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM typedsessions WHERE user_key = '1';";

        // The session and the auth ticket (the ticket store keeps it as a session of its own, bound to the user).
        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }
}
