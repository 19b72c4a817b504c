using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Storage;
using TypedSessions.Storage.Cookie;

namespace ShopSample.Tests;

/// <summary>The sample on the encrypted cookie store, chosen by configuration alone (<c>TypedSessions:Store=Cookie</c>).</summary>
public sealed class CookieStoreTests
{
    [Fact]
    public async Task The_shop_runs_on_the_cookie_store_with_nothing_kept_on_the_server()
    {
        using var app = new ShopApp(settings: new Dictionary<string, string?> { ["TypedSessions:Store"] = "Cookie" });
        Assert.NotNull(app.Factory.Services.GetRequiredService<CookieSessionStore>());
        Assert.Throws<InvalidOperationException>(() => app.Factory.Services.GetRequiredService<ISessionStore>());

        await app.LoginAsync("alice", "wonderland");
        using (var add = await app.PostAsync("/api/cart", """{"sku":"tea","qty":2}"""))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        }

        var session = await app.SessionAsync();
        Assert.Equal("alice", session.GetProperty("username").GetString());
        Assert.Equal(1, session.GetProperty("cart").GetArrayLength());
        Assert.NotNull(app.CookieValue);
        Assert.False(File.Exists(app.Factory.DatabasePath));

        using (var logout = await app.PostAsync("/api/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Null(app.CookieValue);
        Assert.Equal(JsonValueKind.Null, (await app.SessionAsync()).GetProperty("username").ValueKind);
    }

    [Fact]
    public async Task Your_sessions_says_it_is_unavailable_and_sign_in_keeps_its_ticket_in_the_auth_cookie()
    {
        using var app = new ShopApp(settings: new Dictionary<string, string?> { ["TypedSessions:Store"] = "Cookie" });
        await app.LoginAsync("alice", "wonderland");

        // No ticket store: the auth cookie carries the data-protected ticket itself, not a 43-character key.
        Assert.True(app.AuthCookieValue?.Length > 43);

        using (var page = await app.GetAsync("/sessions"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("id=\"sessions-unavailable\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"devices\"", html, StringComparison.Ordinal);
        }

        using (var list = await app.GetAsync("/api/sessions"))
        {
            await list.AssertErrorAsync(HttpStatusCode.NotImplemented);
        }

        using (var end = await app.PostAsync("/api/sessions/end-others"))
        {
            await end.AssertErrorAsync(HttpStatusCode.NotImplemented);
        }

        Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());
        using (var logout = await app.PostAsync("/api/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Null(app.AuthCookieValue);
        Assert.Null(app.CookieValue);
    }
}
