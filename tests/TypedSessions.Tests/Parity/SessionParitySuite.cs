using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// One behaviour suite for <c>HttpContext.Session</c>, run once on <c>Microsoft.AspNetCore.Session</c>
/// (<see cref="BuiltInSessionParityTests"/>) and once on TypedSessions' bridge (<see cref="TypedSessionsParityTests"/>),
/// over real HTTP with the same endpoints (<see cref="ParityEndpoints"/>). Where the sides behave the same the test
/// asserts it here; where they differ on purpose, each side states its behaviour in an <c>Expected…</c> member and the
/// test asserts that. Every difference is listed in <c>docs/migrating-from-aspnetcore-session.md</c>. (Issue 14, point 3.)
/// </summary>
public abstract class SessionParitySuite
{
    /// <summary>Registers the side's session services and an <see cref="IParityStore"/> over its store.</summary>
    private protected abstract void AddSessions(WebApplicationBuilder builder);

    /// <summary>Adds the side's session middleware.</summary>
    private protected abstract void UseSessions(WebApplication app);

    /// <summary>The session cookie set by the first write.</summary>
    protected abstract ExpectedCookie ExpectedCookie { get; }

    /// <summary>Caching headers of the response that sets the cookie.</summary>
    protected abstract ExpectedCacheHeaders ExpectedCacheHeadersWithCookie { get; }

    /// <summary>Whether <see cref="ISession.Id"/> is empty for a visitor nothing was written for yet.</summary>
    protected abstract bool ExpectedIdIsEmptyBeforeFirstWrite { get; }

    /// <summary>Length of <see cref="ISession.Id"/> once the session is stored.</summary>
    protected abstract int ExpectedIdLength { get; }

    /// <summary>Keys in the session after a seed key and two concurrent requests each writing one more.</summary>
    protected abstract int ExpectedKeysAfterConcurrentWriters { get; }

    /// <summary>Responses while the store is down.</summary>
    protected abstract ExpectedWhileStoreIsDown ExpectedWhileStoreIsDown { get; }

    /// <summary>Whether a write to a session the store no longer has sets a new cookie (else the old one is reused).</summary>
    protected abstract bool ExpectedNewCookieWhenStoredSessionIsGone { get; }

    /// <summary>Whether what an endpoint wrote before throwing is stored.</summary>
    protected abstract bool ExpectedWritesOfAFailedRequestAreKept { get; }

    /// <summary>Outcome of a write after the response started, on a stored session this request had not changed.</summary>
    protected abstract string ExpectedLateWriteOnUnchangedSession { get; }

    /// <summary>Outcome of a write after the response started, on a stored session this request had already changed.</summary>
    protected abstract string ExpectedLateWriteOnChangedSession { get; }

    /// <summary>Status of a request whose write makes the session 300 KiB.</summary>
    protected abstract HttpStatusCode ExpectedStatusFor300KiBSession { get; }

    /// <summary>What <c>SetString</c> does with an empty key, a 300-character key and a key with a control character.</summary>
    protected abstract string ExpectedUnusualKeys { get; }

    private Task<ParityApp> StartAsync() => ParityApp.StartAsync(AddSessions, UseSessions);

    [Fact]
    public async Task Strings_ints_and_bytes_round_trip_across_requests()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        await client.PostOkAsync("/set-string?key=name&value=" + Uri.EscapeDataString("zoë ✓"));
        await client.PostOkAsync("/set-int?key=visits&value=-7");
        await client.PostOkAsync("/set-bytes?key=blob&hex=00FF10");

        Assert.Equal("zoë ✓", await client.GetStringAsync("/get-string?key=name"));
        Assert.Equal("-7", await client.GetStringAsync("/get-int?key=visits"));
        Assert.Equal("00FF10 00FF10", await client.GetStringAsync("/get-bytes?key=blob"));
        Assert.Equal(ParityEndpoints.None, await client.GetStringAsync("/get-string?key=missing"));
        Assert.Equal(ParityEndpoints.None, await client.GetStringAsync("/get-int?key=missing"));
        Assert.Equal(ParityEndpoints.None, await client.GetStringAsync("/get-bytes?key=missing"));

        // Overwriting replaces; an int read back as a string is its 4 raw bytes on both sides, not "-7".
        await client.PostOkAsync("/set-string?key=name&value=bob");
        Assert.Equal("bob", await client.GetStringAsync("/get-string?key=name"));
        Assert.Equal("FFFFFFF9 FFFFFFF9", await client.GetStringAsync("/get-bytes?key=visits"));
    }

    [Fact]
    public async Task Remove_and_Clear_drop_values_for_the_next_requests()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await client.PostOkAsync($"/set-string?key={key}&value={key}1");
        }

        await client.PostOkAsync("/remove?key=b");
        await client.PostOkAsync("/remove?key=never-set");
        Assert.Equal(ParityEndpoints.None, await client.GetStringAsync("/get-string?key=b"));
        Assert.Equal("a1", await client.GetStringAsync("/get-string?key=a"));

        await client.PostOkAsync("/clear");
        Assert.Equal(ParityEndpoints.None, await client.GetStringAsync("/get-string?key=a"));
        Assert.Equal(string.Empty, await client.GetStringAsync("/keys"));

        // The session goes on after Clear: a new write is kept under the same cookie.
        var cookie = client.Cookies[ExpectedCookie.Name];
        await client.PostOkAsync("/set-string?key=d&value=d1");
        Assert.Equal("d1", await client.GetStringAsync("/get-string?key=d"));
        Assert.Equal(cookie, client.Cookies[ExpectedCookie.Name]);
    }

    [Fact]
    public async Task Keys_lists_each_stored_key_once()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        Assert.Equal(string.Empty, await client.GetStringAsync("/keys"));

        await client.PostOkAsync("/set-string?key=name&value=alice");
        await client.PostOkAsync("/set-int?key=visits&value=1");
        await client.PostOkAsync("/set-int?key=visits&value=2");
        await client.PostOkAsync("/set-bytes?key=blob&hex=01");

        Assert.Equal("blob,name,visits", await client.GetStringAsync("/keys"));
    }

    [Fact]
    public async Task Keys_can_be_removed_while_enumerating_Keys()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        foreach (var key in new[] { "cart:1", "name", "cart:2", "cart:3" })
        {
            await client.PostOkAsync($"/set-string?key={key}&value=1");
        }

        await client.PostOkAsync("/remove-prefixed?prefix=cart:");

        Assert.Equal("name", await client.GetStringAsync("/keys"));
    }

    [Fact]
    public async Task A_session_nothing_is_written_to_sets_no_cookie()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/get-string?key=name"), (HttpMethod.Get, "/keys"), (HttpMethod.Get, "/id"), (HttpMethod.Get, "/available"),
            (HttpMethod.Post, "/remove?key=name"), (HttpMethod.Post, "/clear"),
        })
        {
            using var response = await client.SendAsync(method, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(ParityClient.SetCookies(response));
        }

        Assert.Empty(client.Cookies);
    }

    [Fact]
    public async Task A_store_that_is_down()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostOkAsync("/set-string?key=name&value=alice");
        var expected = ExpectedWhileStoreIsDown;

        app.Store.IsDown = true;
        await AssertResponseAsync(expected.Read, await client.GetAsync("/get-string?key=name"));
        await AssertResponseAsync(expected.IsAvailable, await client.GetAsync("/available"));
        await AssertResponseAsync(expected.Write, await client.PostAsync("/set-string?key=name&value=bob"));
        app.Store.IsDown = false;

        // Both sides log the failure, and neither stored the write made during the outage.
        Assert.Contains(app.Logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal("alice", await client.GetStringAsync("/get-string?key=name"));

        static async Task AssertResponseAsync(ExpectedResponse expected, HttpResponseMessage response)
        {
            using (response)
            {
                Assert.Equal(expected.Status, response.StatusCode);
                Assert.Equal(expected.Body, await response.Content.ReadAsStringAsync());
                Assert.Equal(expected.RetryAfter, response.Headers.RetryAfter?.ToString());
                Assert.Empty(ParityClient.SetCookies(response));
            }
        }
    }

    [Fact]
    public async Task Two_concurrent_requests_writing_different_keys()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostOkAsync("/set-string?key=seed&value=1");

        // Each request loads the session, then waits for the other: both read {seed} before either writes.
        var responses = await Task.WhenAll(
            client.PostAsync("/rendezvous-set?key=left&value=1"),
            client.PostAsync("/rendezvous-set?key=right&value=1"));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        var keys = (await client.GetStringAsync("/keys")).Split(',');
        Assert.Contains("seed", keys);
        Assert.Subset(new HashSet<string>(["seed", "left", "right"]), keys.ToHashSet());
        Assert.Equal(ExpectedKeysAfterConcurrentWriters, keys.Length);
    }

    [Fact]
    public async Task The_session_cookie_is_set_once_with_these_attributes()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var expected = ExpectedCookie;

        using var first = await client.PostOkAsync("/set-string?key=name&value=alice");
        var cookie = Assert.Single(ParityClient.SetCookies(first));
        Assert.Equal(expected.Name, cookie.Name.Value);
        Assert.Equal("/", cookie.Path.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Null(cookie.Domain.Value);
        Assert.Equal(expected.Secure, cookie.Secure);
        if (expected.MaxAge is { } maxAge)
        {
            // Max-Age counts from the response, a moment after the session's creation; Expires says the same instant.
            Assert.InRange(cookie.MaxAge!.Value, maxAge - TimeSpan.FromMinutes(5), maxAge);
            Assert.NotNull(cookie.Expires);
        }
        else
        {
            Assert.Null(cookie.MaxAge);
            Assert.Null(cookie.Expires);
        }

        // Later writes and reads of the same session do not set it again.
        using var second = await client.PostOkAsync("/set-string?key=name&value=bob");
        Assert.Empty(ParityClient.SetCookies(second));
        using var read = await client.GetAsync("/get-string?key=name");
        Assert.Empty(ParityClient.SetCookies(read));
    }

    [Fact]
    public async Task The_response_that_sets_the_cookie_is_not_cacheable()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var expected = ExpectedCacheHeadersWithCookie;

        using var response = await client.PostOkAsync("/set-string?key=name&value=alice");

        Assert.Single(ParityClient.SetCookies(response));
        Assert.Equal(expected.CacheControl, Raw("Cache-Control"));
        Assert.Equal(expected.Pragma, Raw("Pragma"));
        Assert.Equal(expected.Vary, Raw("Vary"));

        // The header as sent, not as HttpClient re-formats it.
        string? Raw(string name) => response.Headers.NonValidated.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
    }

    [Fact]
    public async Task The_id_is_stable_and_is_not_the_cookie_value()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        var before = await client.GetStringAsync("/id");
        Assert.Equal(ExpectedIdIsEmptyBeforeFirstWrite, before.Length == 0);

        await client.PostOkAsync("/set-string?key=name&value=alice");
        var id = await client.GetStringAsync("/id");
        Assert.Equal(ExpectedIdLength, id.Length);
        Assert.Equal(id, await client.GetStringAsync("/id"));
        await client.PostOkAsync("/set-string?key=name&value=bob");
        Assert.Equal(id, await client.GetStringAsync("/id"));

        var cookie = client.Cookies[ExpectedCookie.Name];
        Assert.NotEqual(cookie, id);
        Assert.DoesNotContain(id, cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CommitAsync_then_the_write_is_visible_to_the_next_request()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.PostOkAsync("/commit?key=name&value=alice");

        Assert.Equal("committed", await response.Content.ReadAsStringAsync());
        Assert.Equal("alice", await client.GetStringAsync("/get-string?key=name"));
    }

    [Fact]
    public async Task IsAvailable_is_true_without_LoadAsync()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        Assert.Equal("True", await client.GetStringAsync("/available"));

        await client.PostOkAsync("/set-string?key=name&value=alice");
        Assert.Equal("True", await client.GetStringAsync("/available"));
    }

    [Fact]
    public async Task A_garbage_cookie_starts_a_fresh_session()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var name = ExpectedCookie.Name;
        const string garbage = "not-a-session-cookie_0123456789";
        client.Cookies[name] = garbage;

        using (var read = await client.GetAsync("/get-string?key=name"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(ParityEndpoints.None, await read.Content.ReadAsStringAsync());
            Assert.Empty(ParityClient.SetCookies(read));
        }

        await client.PostOkAsync("/set-string?key=name&value=alice");
        Assert.NotEqual(garbage, client.Cookies[name]);
        Assert.Equal("alice", await client.GetStringAsync("/get-string?key=name"));
    }

    [Fact]
    public async Task A_cookie_whose_stored_session_is_gone()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var name = ExpectedCookie.Name;
        await client.PostOkAsync("/set-string?key=name&value=alice");
        var old = client.Cookies[name];

        app.Store.ForgetAllSessions();
        using (var read = await client.GetAsync("/get-string?key=name"))
        {
            Assert.Equal(ParityEndpoints.None, await read.Content.ReadAsStringAsync());
            Assert.Empty(ParityClient.SetCookies(read));
        }

        using var write = await client.PostOkAsync("/set-string?key=name&value=bob");

        Assert.Equal(ExpectedNewCookieWhenStoredSessionIsGone, ParityClient.SetCookies(write).Count == 1);
        Assert.Equal(ExpectedNewCookieWhenStoredSessionIsGone, old != client.Cookies[name]);
        Assert.Equal("bob", await client.GetStringAsync("/get-string?key=name"));
    }

    [Fact]
    public async Task Writes_of_a_request_that_fails()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostOkAsync("/set-string?key=seed&value=1");

        using var failed = await client.PostAsync("/set-then-throw?key=name&value=alice");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(ExpectedWritesOfAFailedRequestAreKept ? "alice" : ParityEndpoints.None, await client.GetStringAsync("/get-string?key=name"));
    }

    [Fact]
    public async Task A_write_after_the_response_started()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        // A new session cannot be established once the headers are out, on either side.
        using (var fresh = await client.PostOkAsync("/set-after-start?key=late&value=1"))
        {
            Assert.Equal("refused", await fresh.Content.ReadAsStringAsync());
            Assert.Empty(ParityClient.SetCookies(fresh));
        }

        await client.PostOkAsync("/set-string?key=seed&value=1");
        using (var unchanged = await client.PostOkAsync("/set-after-start?key=late&value=1"))
        {
            Assert.Equal(ExpectedLateWriteOnUnchangedSession, await unchanged.Content.ReadAsStringAsync());
        }

        Assert.Equal(ExpectedLateWriteOnUnchangedSession == "accepted" ? "1" : ParityEndpoints.None, await client.GetStringAsync("/get-string?key=late"));

        using (var changed = await client.PostOkAsync("/set-after-start?key=later&value=2&before=early"))
        {
            Assert.Equal(ExpectedLateWriteOnChangedSession, await changed.Content.ReadAsStringAsync());
        }

        Assert.Equal("2", await client.GetStringAsync("/get-string?key=early"));
        Assert.Equal(ExpectedLateWriteOnChangedSession == "accepted" ? "2" : ParityEndpoints.None, await client.GetStringAsync("/get-string?key=later"));
    }

    [Fact]
    public async Task A_session_of_300_KiB()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostOkAsync("/set-string?key=seed&value=1");

        using var response = await client.PostAsync("/set-large?key=blob&size=307200");

        Assert.Equal(ExpectedStatusFor300KiBSession, response.StatusCode);
        Assert.Equal(response.IsSuccessStatusCode ? "307200" : ParityEndpoints.None, await client.GetStringAsync("/get-length?key=blob"));
    }

    [Fact]
    public async Task Unusual_keys()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.PostOkAsync("/set-unusual-keys");

        Assert.Equal(ExpectedUnusualKeys, await response.Content.ReadAsStringAsync());
        var stored = ExpectedUnusualKeys.Split(", ").Count(k => k.EndsWith(": accepted", StringComparison.Ordinal));
        Assert.Equal(stored.ToString(System.Globalization.CultureInfo.InvariantCulture), await client.GetStringAsync("/key-count"));
    }
}
