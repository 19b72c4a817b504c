using System.Net;
using TypedSessions.Ids;

namespace TypedSessions.Tests.Integration;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Cycling_the_id_keeps_the_data_under_a_new_cookie_and_kills_the_old_id()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var oldCookie = client.Cookie!;
        Assert.True(SessionId.TryParse(oldCookie, out var oldId));

        var response = await client.PostAsync("/cycle");

        Assert.NotNull(SessionClient.SetCookie(response));
        Assert.NotEqual(oldCookie, client.Cookie);
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        var old = await app.Store.Inner.LoadAsync(oldId!.StoreKey, new(app.Time.GetUtcNow(), null));
        Assert.Null(old.Record);

        client.Cookie = oldCookie;
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Cycling_keeps_the_creation_time()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var created = app.Time.GetUtcNow();
        app.Time.Advance(TimeSpan.FromMinutes(5));

        await client.PostAsync("/cycle");

        var info = await client.GetStringAsync("/info");
        Assert.Contains(created.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flush_deletes_the_stored_session_and_the_cookie_and_replay_shows_nothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var oldCookie = client.Cookie!;

        var response = await client.PostAsync("/flush");

        var header = SessionClient.SetCookie(response);
        Assert.NotNull(header);
        Assert.Contains("expires=Thu, 01 Jan 1970", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", header, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(1, app.Store.Calls("end"));
        Assert.Null(client.Cookie);

        client.Cookie = oldCookie;
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Clear_removes_every_key_but_keeps_the_session_id()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=a&value=1");
        await client.PostAsync("/set?key=b&value=2");
        var cookie = client.Cookie;

        var response = await client.PostAsync("/clear");

        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(cookie, client.Cookie);
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=a"));
        Assert.Contains("\"isNew\":false", await client.GetStringAsync("/info"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-session-id")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("%C3%A9AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("")]
    public async Task A_malformed_cookie_gives_a_fresh_session_without_store_io(string cookie)
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        client.Cookie = cookie;

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
        Assert.Equal(0, app.Store.TotalCalls);

        var response = await client.PostAsync("/set?key=name&value=alice");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, app.Store.Calls("load"));
        Assert.NotEqual(cookie, client.Cookie);
        Assert.True(SessionId.TryParse(client.Cookie, out _));
    }

    [Fact]
    public async Task An_over_long_or_non_ascii_cookie_gives_a_fresh_session_without_store_io()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        foreach (var value in new[] { new string('A', 5000), "ééééééééééééééééééééééééééééééééééééééééééé", "\u0001\u0002" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "https://localhost/read?key=name");
            request.Headers.TryAddWithoutValidation("Cookie", SessionClient.CookieName + "=" + value);
            var response = await app.Server.CreateClient().SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("(none)", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, app.Store.TotalCalls);
    }

    [Fact]
    public async Task A_tampered_cookie_of_a_real_session_is_not_adopted()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var real = client.Cookie!;
        var tampered = (real[0] == 'A' ? 'B' : 'A') + real[1..];

        client.Cookie = tampered;

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_well_formed_unknown_id_is_never_adopted()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        var attackerChosen = SessionId.New().Value;
        client.Cookie = attackerChosen;

        var response = await client.PostAsync("/set?key=name&value=victim");

        Assert.NotNull(SessionClient.SetCookie(response));
        Assert.NotEqual(attackerChosen, client.Cookie);
        Assert.True(SessionId.TryParse(attackerChosen, out var id));
        Assert.Null((await app.Store.Inner.LoadAsync(id!.StoreKey, new(app.Time.GetUtcNow(), null))).Record);
    }

    [Fact]
    public async Task The_store_is_keyed_by_the_sha256_of_the_id_never_the_raw_id()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        var raw = client.Cookie!;
        var expectedKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(raw)));

        Assert.NotNull((await app.Store.Inner.LoadAsync(expectedKey, new(app.Time.GetUtcNow(), null))).Record);
        Assert.Null((await app.Store.Inner.LoadAsync(raw, new(app.Time.GetUtcNow(), null))).Record);
    }
}
