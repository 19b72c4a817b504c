using System.Net;
using System.Text.Json;

namespace ShopSample.Tests;

public sealed class SessionReadTests
{
    [Fact]
    public async Task Anonymous_session_has_the_contract_shape_and_defaults()
    {
        using var app = new ShopApp();
        using var response = await app.GetAsync("/api/session");

        var body = await Http.SessionBodyAsync(response);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("username").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("userId").ValueKind);
        Assert.Equal(0, body.GetProperty("cart").GetArrayLength());
        Assert.Equal("light", body.GetProperty("theme").GetString());
        Assert.Empty(body.GetProperty("counters").EnumerateObject());
        Assert.Null(body.ExpiresAt());
        Assert.False(body.GetProperty("expireAtBrowserClose").GetBoolean());
    }

    [Fact]
    public async Task Reading_without_a_cookie_sets_no_cookie()
    {
        using var app = new ShopApp();
        using var response = await app.GetAsync("/api/session");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        response.AssertNoSetCookie();
        Assert.Null(app.CookieValue);
    }

    [Theory]
    [InlineData("not-a-session-id")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Reading_with_an_unknown_or_malformed_cookie_sets_no_cookie(string cookie)
    {
        using var app = new ShopApp();
        using var response = await app.SendWithCookieAsync(cookie, HttpMethod.Get, "/api/session");

        var body = await Http.SessionBodyAsync(response);
        Assert.Null(body.ExpiresAt());
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Reading_an_existing_session_sets_no_cookie_and_shows_its_values()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        using (var theme = await app.PutAsync("/api/theme", """{"theme":"dark"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, theme.StatusCode);
        }

        using var response = await app.GetAsync("/api/session");

        var body = await Http.SessionBodyAsync(response);
        response.AssertNoSetCookie();
        Assert.Equal("alice", body.GetProperty("username").GetString());
        Assert.Equal(1, body.GetProperty("userId").GetInt32());
        Assert.Equal("dark", body.GetProperty("theme").GetString());
        Assert.Equal(app.Time.GetUtcNow() + TimeSpan.FromMinutes(20), body.ExpiresAt());
        Assert.False(body.GetProperty("expireAtBrowserClose").GetBoolean());
    }

    [Fact]
    public async Task Home_and_session_reads_on_a_fresh_client_create_nothing()
    {
        using var app = new ShopApp();
        using (var home = await app.GetAsync("/"))
        {
            home.AssertNoSetCookie();
        }

        var body = await app.SessionAsync();

        Assert.Null(body.ExpiresAt());
        Assert.Null(app.CookieValue);
    }
}
