using System.Net;

namespace ShopSample.Tests;

public sealed class CounterTests
{
    [Fact]
    public async Task Incrementing_answers_name_and_value()
    {
        using var app = new ShopApp();
        using (var first = await app.PostAsync("/api/counters/clicks"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var body = await first.JsonAsync();
            Assert.Equal(["name", "value"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("clicks", body.GetProperty("name").GetString());
            Assert.Equal(1, body.GetProperty("value").GetInt32());
        }

        using var second = await app.PostAsync("/api/counters/clicks");

        Assert.Equal(2, (await second.JsonAsync()).GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Different_counters_are_different_keys()
    {
        using var app = new ShopApp();
        foreach (var name in new[] { "a", "b", "a", "a-b", "a", "0" })
        {
            using var response = await app.PostAsync($"/api/counters/{name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var counters = (await app.SessionAsync()).GetProperty("counters");

        Assert.Equal(
            [("0", 1), ("a", 3), ("a-b", 1), ("b", 1)],
            counters.EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).OrderBy(p => p.Name, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_32_character_name_is_accepted()
    {
        using var app = new ShopApp();
        var name = "abcdefghijklmnopqrstuvwxyz-01234";

        using var response = await app.PostAsync($"/api/counters/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(name, (await response.JsonAsync()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("/api/counters/Clicks")]
    [InlineData("/api/counters/a_b")]
    [InlineData("/api/counters/a.b")]
    [InlineData("/api/counters/a%20b")]
    [InlineData("/api/counters/caf%C3%A9")]
    [InlineData("/api/counters/abcdefghijklmnopqrstuvwxyz-012345")]
    [InlineData("/api/counters/")]
    [InlineData("/api/counters")]
    public async Task Invalid_names_are_400_and_create_no_session(string url)
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync(url);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Concurrent_increments_of_100_different_counters_on_one_session_all_survive()
    {
        // This test is about merging, not latency: on a busy machine a request may queue for SQLite's write
        // lock longer than the 5-second default store timeout, so that bound is widened here.
        using var app = new ShopApp(fakeTime: false, settings: new Dictionary<string, string?> { ["TypedSessions:StoreTimeout"] = "00:00:30" });
        await app.LoginAsync();
        var cookie = app.CookieValue!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await app.SendWithCookieAsync(cookie, HttpMethod.Post, $"/api/counters/c{i}");
            return (response.StatusCode, Body: response.StatusCode == HttpStatusCode.OK ? await response.JsonAsync() : default);
        }));

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(1, r.Body.GetProperty("value").GetInt32());
        });
        var session = await app.SessionAsync();
        Assert.Equal("alice", session.GetProperty("username").GetString());
        var counters = session.GetProperty("counters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(100, counters.Count);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(1, counters[$"c{i}"]));
    }
}
