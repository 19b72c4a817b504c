using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Xunit;

namespace TypedSessions.Testing;

/// <summary>
/// The per-key merge through the real request pipeline: many concurrent requests on one session, each
/// incrementing its own counter key, must leave every counter. Map the endpoints on an app that uses
/// your store, then run the check with a client of that app.
/// </summary>
public static class ConcurrentCountersCheck
{
    /// <summary>Maps <c>POST /inc/{name}</c> (increments <c>counter:{name}</c>) and <c>GET /count</c> (<c>"{keys}:{sum}"</c>).</summary>
    /// <param name="app">The app, after <c>UseTypedSessions()</c>.</param>
    public static void MapCounterEndpoints(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/inc/{name}", (HttpContext c, string name) =>
        {
            var session = c.GetSession();
            var value = session.Get<int>("counter:" + name) + 1;
            session.Set("counter:" + name, value);
            return value.ToString(CultureInfo.InvariantCulture);
        });
        app.MapGet("/count", (HttpContext c) =>
        {
            var session = c.GetSession();
            var keys = session.Keys.Where(k => k.StartsWith("counter:", StringComparison.Ordinal)).ToList();
            return $"{keys.Count}:{keys.Sum(k => session.Get<int>(k))}";
        });
    }

    /// <summary>Creates a session, sends <paramref name="writers"/> concurrent increments of distinct counters, and asserts none was lost.</summary>
    /// <param name="client">A client of the app (base address ignored; requests go to https://localhost).</param>
    /// <param name="writers">How many concurrent requests.</param>
    /// <returns>A task.</returns>
    public static async Task AssertNoLostUpdatesAsync(HttpClient client, int writers = 100)
    {
        ArgumentNullException.ThrowIfNull(client);
        var first = await client.PostAsync(new Uri("https://localhost/inc/owner"), null).ConfigureAwait(false);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"https://localhost/inc/c{i}"));
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        })).ConfigureAwait(false);

        using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/count"));
        read.Headers.Add("Cookie", cookie);
        using var counts = await client.SendAsync(read).ConfigureAwait(false);
        Assert.Equal($"{writers + 1}:{writers + 1}", await counts.Content.ReadAsStringAsync().ConfigureAwait(false));
    }
}
