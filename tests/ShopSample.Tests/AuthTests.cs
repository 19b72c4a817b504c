using System.Net;
using System.Text.Json;

namespace ShopSample.Tests;

public sealed class AuthTests
{
    [Theory]
    [InlineData("alice", "wonderland", 1)]
    [InlineData("bob", "builder", 2)]
    public async Task Login_answers_the_username_and_stores_username_and_user_id(string username, string password, int userId)
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync("/api/login", Http.Json(new { username, password }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(username, Assert.Single(body.EnumerateObject(), p => p.Name == "username").Value.GetString());
        Assert.Single(body.EnumerateObject());
        Assert.NotNull(response.SessionCookie());

        var session = await app.SessionAsync();
        Assert.Equal(username, session.GetProperty("username").GetString());
        Assert.Equal(userId, session.GetProperty("userId").GetInt32());
        Assert.NotNull(session.ExpiresAt());
    }

    [Fact]
    public async Task Login_sets_a_secure_host_only_cookie()
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync("/api/login", """{"username":"alice","password":"wonderland"}""");

        var cookie = response.SessionCookie();
        Assert.NotNull(cookie);
        Assert.Equal(43, cookie.Value.Length);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("/", cookie.Path.Value);
        Assert.Null(cookie.Domain.Value);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
    }

    [Fact]
    public async Task Login_cycles_the_id_keeps_the_data_and_the_old_id_stops_working()
    {
        using var app = new ShopApp();
        var before = await app.StartSessionAsync();
        using (var theme = await app.PutAsync("/api/theme", """{"theme":"dark"}"""))
        using (var counter = await app.PostAsync("/api/counters/visits"))
        {
            Assert.Equal(HttpStatusCode.NoContent, theme.StatusCode);
            Assert.Equal(HttpStatusCode.OK, counter.StatusCode);
        }

        using var login = await app.PostAsync("/api/login", """{"username":"alice","password":"wonderland"}""");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var after = login.SessionCookie()?.Value;
        Assert.NotNull(after);
        Assert.NotEqual(before, after);
        Assert.Equal(after, app.CookieValue);

        // The new id carries the data from before the login.
        var session = await app.SessionAsync();
        Assert.Equal("alice", session.GetProperty("username").GetString());
        Assert.Equal("tea", session.GetProperty("cart")[0].GetProperty("sku").GetString());
        Assert.Equal("dark", session.GetProperty("theme").GetString());
        Assert.Equal(1, session.GetProperty("counters").GetProperty("visits").GetInt32());

        // The old id is gone: replaying it by hand shows an anonymous, empty session and sets no cookie.
        using var replay = await app.SendWithCookieAsync(before, HttpMethod.Get, "/api/session");
        var old = await Http.SessionBodyAsync(replay);
        Assert.Equal(JsonValueKind.Null, old.GetProperty("username").ValueKind);
        Assert.Equal(0, old.GetProperty("cart").GetArrayLength());
        Assert.Null(old.ExpiresAt());
        replay.AssertNoSetCookie();
    }

    [Fact]
    public async Task Login_as_another_user_cycles_again_and_replaces_the_user()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var alice = app.CookieValue;

        await app.LoginAsync("bob", "builder");

        Assert.NotEqual(alice, app.CookieValue);
        var session = await app.SessionAsync();
        Assert.Equal("bob", session.GetProperty("username").GetString());
        Assert.Equal(2, session.GetProperty("userId").GetInt32());
    }

    [Theory]
    [InlineData("""{"username":"alice","password":"nope"}""")]
    [InlineData("""{"username":"alice","password":"Wonderland"}""")]
    [InlineData("""{"username":"Alice","password":"wonderland"}""")]
    [InlineData("""{"username":"alice","password":"builder"}""")]
    [InlineData("""{"username":"mallory","password":"wonderland"}""")]
    [InlineData("""{"username":"alice"}""")]
    [InlineData("""{"password":"wonderland"}""")]
    [InlineData("""{"username":"alice","password":null}""")]
    [InlineData("""{"username":"alice","password":123}""")]
    [InlineData("""{"username":"","password":""}""")]
    [InlineData("{}")]
    public async Task Wrong_credentials_are_401_and_leave_the_session_and_cookie_unchanged(string body)
    {
        using var app = new ShopApp();
        var cookie = await app.StartSessionAsync();

        using var response = await app.PostAsync("/api/login", body);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
        response.AssertNoSetCookie();
        Assert.Equal(cookie, app.CookieValue);
        var session = await app.SessionAsync();
        Assert.Equal(JsonValueKind.Null, session.GetProperty("username").ValueKind);
        Assert.Equal(JsonValueKind.Null, session.GetProperty("userId").ValueKind);
        Assert.Equal("tea", session.GetProperty("cart")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Wrong_credentials_on_a_logged_in_session_keep_the_user()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var cookie = app.CookieValue;

        using var response = await app.PostAsync("/api/login", """{"username":"bob","password":"wrong"}""");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
        response.AssertNoSetCookie();
        Assert.Equal(cookie, app.CookieValue);
        Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());
    }

    [Fact]
    public async Task Wrong_credentials_without_a_session_create_none()
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync("/api/login", """{"username":"alice","password":"nope"}""");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
        response.AssertNoSetCookie();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"username\":\"alice\",")]
    [InlineData("username=alice&password=wonderland")]
    [InlineData("[\"alice\",\"wonderland\"]")]
    [InlineData("\"alice\"")]
    [InlineData("null")]
    public async Task Missing_or_malformed_login_bodies_are_400(string? body)
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync("/api/login", body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Logout_is_204_deletes_the_cookie_and_the_server_side_data()
    {
        using var app = new ShopApp();
        await app.StartSessionAsync();
        await app.LoginAsync();
        var cookie = app.CookieValue!;

        using var response = await app.PostAsync("/api/logout");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var deletion = response.SessionCookie();
        Assert.NotNull(deletion);
        Assert.Equal("", deletion.Value.Value);
        Assert.True(deletion.Expires < DateTimeOffset.UtcNow, "The cookie is deleted by an expiry in the past.");
        Assert.Null(app.CookieValue);

        // Replaying the old cookie by hand: the data is gone on the server, not just in the browser.
        using var replay = await app.SendWithCookieAsync(cookie, HttpMethod.Get, "/api/session");
        var old = await Http.SessionBodyAsync(replay);
        Assert.Equal(JsonValueKind.Null, old.GetProperty("username").ValueKind);
        Assert.Equal(0, old.GetProperty("cart").GetArrayLength());
        Assert.Null(old.ExpiresAt());
        replay.AssertNoSetCookie();

        var now = await app.SessionAsync();
        Assert.Equal(JsonValueKind.Null, now.GetProperty("username").ValueKind);
    }

    [Fact]
    public async Task Logout_without_a_session_is_204_and_sets_no_cookie()
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync("/api/logout");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task After_logout_a_write_starts_a_new_session_with_a_new_id()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var old = app.CookieValue;
        using (var logout = await app.PostAsync("/api/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var fresh = await app.StartSessionAsync();

        Assert.NotEqual(old, fresh);
        var session = await app.SessionAsync();
        Assert.Equal(JsonValueKind.Null, session.GetProperty("username").ValueKind);
        Assert.Equal(1, session.GetProperty("cart").GetArrayLength());
    }
}
