using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace ShopSample.Tests;

public sealed class LogoutEverywhereTests
{
    private static readonly Uri BaseAddress = new("https://localhost/");

    [Fact]
    public async Task Logout_everywhere_ends_every_session_of_the_user_and_only_theirs()
    {
        using var app = new ShopApp();
        using var secondJar = new CookieContainerHandler();
        using var secondDevice = app.Factory.CreateDefaultClient(BaseAddress, secondJar);
        using var bobJar = new CookieContainerHandler();
        using var bobDevice = app.Factory.CreateDefaultClient(BaseAddress, bobJar);

        await app.LoginAsync("alice", "wonderland");
        await LoginAsync(secondDevice, "alice", "wonderland");
        await LoginAsync(bobDevice, "bob", "builder");
        Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());
        Assert.Equal("alice", (await SessionAsync(secondDevice)).GetProperty("username").GetString());

        using (var response = await app.PostAsync("/api/logout-everywhere"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(string.Empty, response.SessionCookie()?.Value);
        }

        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await app.SessionAsync()).GetProperty("username").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await SessionAsync(secondDevice)).GetProperty("username").ValueKind);
        Assert.Equal("bob", (await SessionAsync(bobDevice)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task Logout_everywhere_without_a_login_is_401_and_changes_nothing()
    {
        using var app = new ShopApp();
        await app.StartSessionAsync();

        using var response = await app.PostAsync("/api/logout-everywhere");

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(1, (await app.SessionAsync()).GetProperty("cart").GetArrayLength());
    }

    private static async Task LoginAsync(HttpClient client, string username, string password)
    {
        using var response = await client.SendAsync(Http.Request(HttpMethod.Post, "/api/login", Http.Json(new { username, password })));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<System.Text.Json.JsonElement> SessionAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/session");
        return await Http.SessionBodyAsync(response);
    }
}
