using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ShopSample.Tests;

public sealed class ExpiryTests(SharedShopApp shared) : IClassFixture<SharedShopApp>
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    private static string Iso(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> PutExpiryAsync(ShopApp app, string body, Action<HttpResponseMessage>? checkResponse = null)
    {
        using var response = await app.PutAsync("/api/expiry", body);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        checkResponse?.Invoke(response);
        return await app.SessionAsync();
    }

    private static async Task AssertEndedAsync(ShopApp app)
    {
        using var response = await app.GetAsync("/api/session");
        var session = await Http.SessionBodyAsync(response);
        Assert.Equal(JsonValueKind.Null, session.GetProperty("username").ValueKind);
        Assert.Null(session.ExpiresAt());
        response.AssertNoSetCookie();
    }

    private static async Task AssertAliveAsync(ShopApp app)
        => Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());

    [Fact]
    public async Task Seconds_sets_a_sliding_idle_window_of_that_length()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var now = app.Time.GetUtcNow();

        var session = await PutExpiryAsync(app, """{"seconds":90}""", response =>
        {
            var cookie = response.SessionCookie();
            Assert.NotNull(cookie);
            Assert.Equal(app.CookieValue, cookie.Value.Value);
            Assert.NotNull(cookie.MaxAge);
            Assert.True(cookie.MaxAge > TimeSpan.Zero);
            Assert.NotNull(cookie.Expires);
        });

        Assert.Equal(now.AddSeconds(90), session.ExpiresAt());
        Assert.False(session.GetProperty("expireAtBrowserClose").GetBoolean());

        // Activity slides the 90-second window; 91 idle seconds end the session.
        app.Time.Advance(TimeSpan.FromSeconds(60));
        await AssertAliveAsync(app);
        app.Time.Advance(TimeSpan.FromSeconds(60));
        await AssertAliveAsync(app);
        app.Time.Advance(TimeSpan.FromSeconds(91));
        await AssertEndedAsync(app);
    }

    [Fact]
    public async Task Seconds_on_a_new_visitor_starts_a_session()
    {
        using var app = new ShopApp();
        var now = app.Time.GetUtcNow();

        var session = await PutExpiryAsync(app, """{"seconds":60}""", response => Assert.NotNull(response.SessionCookie()));

        Assert.Equal(now.AddSeconds(60), session.ExpiresAt());
    }

    [Theory]
    [InlineData("utc")]
    [InlineData("offset")]
    [InlineData("no-offset")]
    public async Task At_ends_the_session_at_that_instant_whatever_the_activity(string format)
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var now = app.Time.GetUtcNow();
        var at = now.AddHours(1);
        var text = format switch
        {
            "utc" => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "offset" => at.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            _ => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        };

        var session = await PutExpiryAsync(app, Http.Json(new { at = text }), response =>
        {
            var cookie = response.SessionCookie();
            Assert.NotNull(cookie);
            Assert.Equal(TimeSpan.FromHours(1), cookie.MaxAge);
            Assert.Equal(at, cookie.Expires);
        });

        Assert.Equal(at, session.ExpiresAt());
        Assert.False(session.GetProperty("expireAtBrowserClose").GetBoolean());

        // Reads do not move a fixed end.
        app.Time.Advance(TimeSpan.FromMinutes(50));
        await AssertAliveAsync(app);
        Assert.Equal(at, (await app.SessionAsync()).ExpiresAt());
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await AssertEndedAsync(app);
    }

    [Fact]
    public async Task BrowserClose_drops_max_age_and_expires_but_the_server_keeps_the_idle_timeout()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var now = app.Time.GetUtcNow();

        var session = await PutExpiryAsync(app, """{"browserClose":true}""", response =>
        {
            var cookie = response.SessionCookie();
            Assert.NotNull(cookie);
            Assert.Equal(app.CookieValue, cookie.Value.Value);
            Assert.Null(cookie.MaxAge);
            Assert.Null(cookie.Expires);
        });

        Assert.True(session.GetProperty("expireAtBrowserClose").GetBoolean());
        Assert.Equal(now + IdleTimeout, session.ExpiresAt());

        app.Time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        await AssertEndedAsync(app);
    }

    [Fact]
    public async Task Reset_after_browser_close_restores_a_persistent_cookie_and_the_default_timeout()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var closing = await PutExpiryAsync(app, """{"browserClose":true}""");
        Assert.True(closing.GetProperty("expireAtBrowserClose").GetBoolean());
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var now = app.Time.GetUtcNow();

        var session = await PutExpiryAsync(app, """{"reset":true}""", response =>
        {
            var cookie = response.SessionCookie();
            Assert.NotNull(cookie);
            Assert.NotNull(cookie.MaxAge);
            Assert.NotNull(cookie.Expires);
        });

        Assert.False(session.GetProperty("expireAtBrowserClose").GetBoolean());
        Assert.Equal(now + IdleTimeout, session.ExpiresAt());
    }

    [Fact]
    public async Task Reset_after_seconds_restores_the_default_idle_timeout()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        await PutExpiryAsync(app, """{"seconds":30}""");
        var now = app.Time.GetUtcNow();

        var session = await PutExpiryAsync(app, """{"reset":true}""");

        Assert.Equal(now + IdleTimeout, session.ExpiresAt());
        app.Time.Advance(TimeSpan.FromSeconds(31));
        await AssertAliveAsync(app);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"seconds":0}""")]
    [InlineData("""{"seconds":-5}""")]
    [InlineData("""{"seconds":1.5}""")]
    [InlineData("""{"seconds":1e3}""")]
    [InlineData("""{"seconds":99999999999}""")]
    [InlineData("""{"seconds":"60"}""")]
    [InlineData("""{"seconds":null}""")]
    [InlineData("""{"seconds":true}""")]
    [InlineData("""{"at":"PAST"}""")]
    [InlineData("""{"at":"NOW"}""")]
    [InlineData("""{"at":"tomorrow"}""")]
    [InlineData("""{"at":"2099-13-01T00:00:00Z"}""")]
    [InlineData("""{"at":4102444800}""")]
    [InlineData("""{"at":null}""")]
    [InlineData("""{"browserClose":false}""")]
    [InlineData("""{"browserClose":"true"}""")]
    [InlineData("""{"browserClose":1}""")]
    [InlineData("""{"reset":false}""")]
    [InlineData("""{"reset":null}""")]
    [InlineData("""{"seconds":60,"reset":true}""")]
    [InlineData("""{"browserClose":true,"reset":true}""")]
    [InlineData("""{"seconds":60,"seconds":60}""")]
    [InlineData("""{"Seconds":60}""")]
    [InlineData("""{"expires":60}""")]
    [InlineData("""{"seconds":60""")]
    [InlineData("""[{"seconds":60}]""")]
    [InlineData("60")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Anything_else_is_400_and_changes_nothing(string? body)
    {
        var app = shared.NewVisitor();
        await app.LoginAsync();
        var before = (await app.SessionAsync()).ExpiresAt();
        var now = app.Time.GetUtcNow();
        body = body?.Replace("PAST", Iso(now.AddSeconds(-1)), StringComparison.Ordinal).Replace("NOW", Iso(now), StringComparison.Ordinal);

        using var response = await app.PutAsync("/api/expiry", body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
        var session = await app.SessionAsync();
        Assert.Equal(before, session.ExpiresAt());
        Assert.False(session.GetProperty("expireAtBrowserClose").GetBoolean());
    }

    [Fact]
    public async Task Idle_timeout_of_20_minutes_ends_an_untouched_session()
    {
        using var app = new ShopApp();
        await app.LoginAsync();

        app.Time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));

        await AssertEndedAsync(app);
        using var home = await app.GetAsync("/");
        Assert.Contains("Please log in.", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_slides_the_idle_timeout()
    {
        using var app = new ShopApp();
        await app.LoginAsync();

        app.Time.Advance(TimeSpan.FromMinutes(19));
        await AssertAliveAsync(app);
        app.Time.Advance(TimeSpan.FromMinutes(19));
        await AssertAliveAsync(app);
        app.Time.Advance(IdleTimeout + TimeSpan.FromSeconds(1));
        await AssertEndedAsync(app);
    }

    [Fact]
    public async Task Health_checks_do_not_keep_a_session_alive()
    {
        using var app = new ShopApp();
        await app.LoginAsync();

        app.Time.Advance(TimeSpan.FromMinutes(19));
        for (var i = 0; i < 3; i++)
        {
            using var health = await app.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await AssertEndedAsync(app);
    }
}
