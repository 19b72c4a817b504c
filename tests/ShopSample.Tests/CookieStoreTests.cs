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
}
