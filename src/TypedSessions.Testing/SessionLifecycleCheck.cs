using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

/// <summary>
/// The session lifecycle through the real request pipeline, for every store — including the encrypted cookie store
/// (<c>TypedSessions:Store=Cookie</c>, which carries the whole session in the cookie) that the keyed
/// <see cref="SessionStoreConformanceTests"/> cannot address: no cookie without a write, round trip, is-new,
/// cycle id keeps the data, flush ends the session, and what an old cookie replayed afterwards gets.
/// Map the endpoints on an app that uses your store, then run the check with a client of that app.
/// </summary>
public static class SessionLifecycleCheck
{
    /// <summary>Maps <c>/kit/set</c>, <c>/kit/get</c>, <c>/kit/is-new</c>, <c>/kit/cycle</c> and <c>/kit/flush</c>.</summary>
    /// <param name="app">The app, after <c>UseTypedSessions()</c>.</param>
    public static void MapLifecycleEndpoints(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/kit/set", (HttpContext c, string key, string value) =>
        {
            c.GetSession().Set(key, value);
            return Results.NoContent();
        });
        app.MapGet("/kit/get", (HttpContext c, string key) => c.GetSession().Get<string>(key) ?? "(none)");
        app.MapGet("/kit/is-new", (HttpContext c) => c.GetSession().IsNew ? "new" : "stored");
        app.MapPost("/kit/cycle", (HttpContext c) =>
        {
            c.GetSession().CycleId();
            return Results.NoContent();
        });
        app.MapPost("/kit/flush", (HttpContext c) =>
        {
            c.GetSession().Flush();
            return Results.NoContent();
        });
    }

    /// <summary>Runs the lifecycle and asserts each step.</summary>
    /// <param name="client">A client of the app (base address ignored; requests go to https://localhost).</param>
    /// <param name="cookieCarriesSession">Whether the cookie carries the whole session (the encrypted cookie store): then a
    /// replayed old cookie is expected to still carry its data (nothing on the server can revoke it); with a server-side
    /// store it must not.</param>
    /// <returns>A task.</returns>
    public static async Task AssertLifecycleAsync(HttpClient client, bool cookieCarriesSession)
    {
        ArgumentNullException.ThrowIfNull(client);
        var jar = new CookieContainer();

        var read = await SendAsync(client, jar, HttpMethod.Get, "/kit/get?key=name").ConfigureAwait(false);
        Assert.Equal("(none)", read.Body);
        Assert.Empty(read.SetCookies);

        var set = await SendAsync(client, jar, HttpMethod.Post, "/kit/set?key=name&value=alice").ConfigureAwait(false);
        Assert.NotEmpty(set.SetCookies);
        Assert.All(set.SetCookies, h => Assert.Contains("httponly", h, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("alice", (await SendAsync(client, jar, HttpMethod.Get, "/kit/get?key=name").ConfigureAwait(false)).Body);
        Assert.Equal("stored", (await SendAsync(client, jar, HttpMethod.Get, "/kit/is-new").ConfigureAwait(false)).Body);
        await SendAsync(client, jar, HttpMethod.Post, "/kit/set?key=theme&value=dark").ConfigureAwait(false);
        var beforeCycle = jar.GetCookieHeader(Site);

        var cycle = await SendAsync(client, jar, HttpMethod.Post, "/kit/cycle").ConfigureAwait(false);
        Assert.NotEmpty(cycle.SetCookies);
        Assert.NotEqual(beforeCycle, jar.GetCookieHeader(Site));
        Assert.Equal("alice", (await SendAsync(client, jar, HttpMethod.Get, "/kit/get?key=name").ConfigureAwait(false)).Body);
        Assert.Equal("dark", (await SendAsync(client, jar, HttpMethod.Get, "/kit/get?key=theme").ConfigureAwait(false)).Body);

        var clientSide = cookieCarriesSession;
        var replayed = await SendAsync(client, new CookieContainer(), HttpMethod.Get, "/kit/get?key=name", beforeCycle).ConfigureAwait(false);

        // Server-side stores delete the old id on a cycle; a client-side cookie carries its data until it expires.
        Assert.Equal(clientSide ? "alice" : "(none)", replayed.Body);

        var beforeFlush = jar.GetCookieHeader(Site);
        var flush = await SendAsync(client, jar, HttpMethod.Post, "/kit/flush").ConfigureAwait(false);
        Assert.NotEmpty(flush.SetCookies);
        Assert.Equal(string.Empty, jar.GetCookieHeader(Site));
        Assert.Equal("(none)", (await SendAsync(client, jar, HttpMethod.Get, "/kit/get?key=name").ConfigureAwait(false)).Body);
        Assert.Equal("new", (await SendAsync(client, jar, HttpMethod.Get, "/kit/is-new").ConfigureAwait(false)).Body);

        replayed = await SendAsync(client, new CookieContainer(), HttpMethod.Get, "/kit/get?key=name", beforeFlush).ConfigureAwait(false);
        Assert.Equal(clientSide ? "alice" : "(none)", replayed.Body);
    }

    private static readonly Uri Site = new("https://localhost/");

    private static async Task<(string Body, IReadOnlyList<string> SetCookies)> SendAsync(HttpClient client, CookieContainer jar, HttpMethod method, string path, string? cookieHeader = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Site, path));
        var header = cookieHeader ?? jar.GetCookieHeader(Site);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        using var response = await client.SendAsync(request).ConfigureAwait(false);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}.");
        IReadOnlyList<string> setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];
        foreach (var setCookie in setCookies)
        {
            jar.SetCookies(Site, setCookie);
        }

        return (await response.Content.ReadAsStringAsync().ConfigureAwait(false), setCookies);
    }
}
