using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Tests.Integration;

/// <summary>
/// "A 2xx means stored" under races: a request whose session was cycled, flushed, revoked or expired while it ran, or
/// that carries a tombstoned id, is answered 409 without a cookie; read-modify-write races are detected; a failed commit
/// changes nothing. Deterministic interleavings use a gate the endpoint waits on after loading.
/// </summary>
public sealed class InterruptionTests
{
    /// <summary>Lets a test hold a request inside its endpoint (after the session was loaded) and release it later.</summary>
    private sealed class Gate
    {
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public async Task PassAsync()
        {
            _entered.TrySetResult();
            await _release.Task;
        }

        public void Release() => _release.TrySetResult();

        public void Reset()
        {
            _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private static Task<TestApp> StartAsync(Action<TypedSessionOptions>? configure = null, Func<IServiceProvider, ISessionStore>? store = null)
        => TestApp.StartAsync(
            app =>
            {
                Endpoints.Map(app);
                app.MapPost("/gated-set", async (HttpContext c, Gate gate, string key, string value) =>
                {
                    var session = c.GetSession();
                    _ = session.Count;
                    await gate.PassAsync();
                    session.Set(key, value);
                    return Results.NoContent();
                });
                app.MapPost("/gated-inc", async (HttpContext c, Gate gate, string name) =>
                {
                    var session = c.GetSession();
                    var value = session.Get<int>("counter:" + name) + 1;
                    await gate.PassAsync();
                    session.Set("counter:" + name, value);
                    return Results.Text(value.ToString(CultureInfo.InvariantCulture));
                });
                app.MapPost("/signin", (HttpContext c, string user) =>
                {
                    c.GetSession().SignIn(user);
                    return Results.NoContent();
                });
                app.MapGet("/user", (HttpContext c) => c.GetSession().UserKey ?? "(none)");
                app.MapPost("/catch-failed-commit", async (HttpContext c) =>
                {
                    c.GetSession().Set("k", "v");
                    try
                    {
                        // More than the held-back body: the session is saved here, and that save fails.
                        await c.Response.WriteAsync(new string('x', 70_000));
                    }
                    catch (SessionUnavailableException)
                    {
                        // An endpoint that swallows the failure and answers by itself: the commit must not be tried again.
                        await c.Response.WriteAsync("caught");
                    }
                });
                app.MapPost("/change-after-save", async (HttpContext c) =>
                {
                    var session = c.GetSession();
                    var list = session.Get<List<int>>("list")!;
                    session.Set("k", "v");
                    await c.Response.WriteAsync(new string('x', 70_000)); // saves the session and starts the response
                    list.Add(99);
                });
                app.MapPost("/pending-add", (HttpContext c) =>
                {
                    c.GetSession().GetOrNew<List<int>>("pending").Add(1);
                    return Results.NoContent();
                });
                app.MapPost("/revoke", async (HttpContext c) =>
                {
                    await c.GetSession().RevokeUserSessionsAsync(c.RequestAborted);
                    return Results.NoContent();
                });
                app.MapPost("/fill-then-signin", (HttpContext c, string user, int size) =>
                {
                    var session = c.GetSession();
                    try
                    {
                        session.SignIn(user);
                        session.Set("big", new byte[size]);
                        return Results.NoContent();
                    }
                    catch (SessionTooLargeException)
                    {
                        session.DiscardChanges();
                        return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
                    }
                });
            },
            configure,
            store,
            services: s => s.AddSingleton<Gate>());

    private static async Task<(HttpResponseMessage Response, SessionClient Client)> GatedAsync(TestApp app, string cookie, string path, Func<Task> meanwhile)
    {
        var gate = app.Services.GetRequiredService<Gate>();
        gate.Reset();
        var client = app.CreateClient();
        client.Cookie = cookie;
        var pending = client.PostAsync(path);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await meanwhile();
        gate.Release();
        return (await pending, client);
    }

    private static void AssertInterrupted(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    public static TheoryData<string> Enders => new() { "cycle", "flush", "revoke", "expire" };

    /// <summary>The write of a request whose session ended or moved while it ran is not applied anywhere and not acknowledged.</summary>
    [Theory]
    [MemberData(nameof(Enders))]
    public async Task A_write_whose_session_was_cycled_flushed_revoked_or_expired_meanwhile_is_409_with_no_cookie(string how)
    {
        await using var app = await StartAsync();
        using var owner = app.CreateClient();
        await owner.PostAsync("/set?key=cart&value=1");
        await owner.PostAsync("/signin?user=alice");
        var cookie = owner.Cookie!;
        app.Store.Reset();

        var (response, late) = await GatedAsync(app, cookie, "/gated-set?key=late&value=x", async () =>
        {
            switch (how)
            {
                case "cycle":
                    Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync("/cycle")).StatusCode);
                    break;
                case "flush":
                    Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync("/flush")).StatusCode);
                    break;
                case "revoke":
                    Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync("/revoke")).StatusCode);
                    break;
                default:
                    app.Time.Advance(TimeSpan.FromMinutes(21));
                    break;
            }
        });
        using (late)
        {
            AssertInterrupted(response);
            Assert.Equal(cookie, late.Cookie);
        }

        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "SessionInterrupted" && !e.Text.Contains(cookie, StringComparison.Ordinal));
        if (how == "cycle")
        {
            Assert.Equal("(none)", await owner.GetStringAsync("/read?key=late"));
            Assert.Equal("1", await owner.GetStringAsync("/read?key=cart"));
        }

        // Nothing was created for the late write: it went nowhere.
        Assert.Equal(0, app.Store.Calls("create"));
    }

    /// <summary>A request arriving moments after a cycle or flush with the old id: reads see nothing, writes get 409, no cookie either way.</summary>
    [Theory]
    [InlineData("/cycle")]
    [InlineData("/flush")]
    public async Task A_request_carrying_a_tombstoned_id_is_interrupted_not_a_new_visitor(string ender)
    {
        await using var app = await StartAsync();
        using var owner = app.CreateClient();
        await owner.PostAsync("/set?key=name&value=alice");
        var old = owner.Cookie!;
        await owner.PostAsync(ender);
        app.Store.Reset();

        using var straggler = app.CreateClient();
        straggler.Cookie = old;
        var read = await straggler.GetAsync("/read?key=name");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("(none)", await read.Content.ReadAsStringAsync());
        Assert.Null(SessionClient.SetCookie(read));
        foreach (var write in new[] { "/set?key=name&value=mallory", "/cycle", "/flush", "/inc/a", "/list/add?value=1&peek=false", "/pending-add", "/signin?user=mallory" })
        {
            AssertInterrupted(await straggler.PostAsync(write));
            Assert.Equal(old, straggler.Cookie);
        }

        if (ender == "/cycle")
        {
            Assert.Equal("alice", await owner.GetStringAsync("/read?key=name"));
        }

        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "SessionSuperseded");
        Assert.Equal(0, app.Store.Calls("create"));
    }

    /// <summary>A login (cycle) racing 40 writes on the same cookie: every acknowledged write is in the logged-in session, none got a new anonymous cookie.</summary>
    [Fact]
    public async Task A_login_racing_40_writes_keeps_every_acknowledged_write_and_issues_no_anonymous_cookie()
    {
        await using var app = await StartAsync();
        for (var round = 0; round < 20; round++)
        {
            using var browser = app.CreateClient();
            await browser.PostAsync("/set?key=seed&value=1");
            var cookie = browser.Cookie!;
            using var start = new ManualResetEventSlim();

            var writes = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            {
                using var c = app.CreateClient();
                c.Cookie = cookie;
                start.Wait();
                var response = await c.PostAsync($"/set?key=w{i}&value={i}");
                return (Key: "w" + i, Acknowledged: response.IsSuccessStatusCode, response.StatusCode, SetCookie: SessionClient.SetCookie(response));
            })).ToList();
            var login = Task.Run(async () =>
            {
                start.Wait();
                return await browser.PostAsync("/signin?user=alice");
            });
            start.Set();
            var results = await Task.WhenAll(writes);
            Assert.Equal(HttpStatusCode.NoContent, (await login).StatusCode);

            Assert.All(results, r => Assert.True(r.Acknowledged || r.StatusCode == HttpStatusCode.Conflict, $"{r.Key}: {r.StatusCode}"));
            Assert.All(results, r => Assert.Null(r.SetCookie));
            Assert.Equal("alice", await browser.GetStringAsync("/user"));
            foreach (var (key, _, _, _) in results.Where(r => r.Acknowledged))
            {
                Assert.Equal(key[1..], await browser.GetStringAsync("/read?key=" + key));
            }
        }
    }

    /// <summary>
    /// Login and logout racing on one cookie (and a double-clicked login): exactly one of them is acknowledged, the other
    /// is 409 without a cookie, and the stored state is the acknowledged one's.
    /// </summary>
    [Fact]
    public async Task A_login_racing_a_logout_or_a_second_login_acknowledges_exactly_one()
    {
        await using var app = await StartAsync();
        for (var round = 0; round < 20; round++)
        {
            using var browser = app.CreateClient();
            await browser.PostAsync("/signin?user=alice");
            var cookie = browser.Cookie!;
            var second = round % 2 == 0 ? "/flush" : "/signin?user=alice";
            using var start = new ManualResetEventSlim();
            var requests = new[] { "/signin?user=alice", second }.Select(path => Task.Run(async () =>
            {
                using var c = app.CreateClient();
                c.Cookie = cookie;
                start.Wait();
                var response = await c.PostAsync(path);
                return (Path: path, response.StatusCode, Cookie: SessionClient.SetCookie(response) is null ? null : c.Cookie);
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(requests);

            Assert.Single(results, r => r.StatusCode == HttpStatusCode.NoContent);
            var loser = Assert.Single(results, r => r.StatusCode == HttpStatusCode.Conflict);
            Assert.Null(loser.Cookie);
            var winner = results.Single(r => r.StatusCode == HttpStatusCode.NoContent);
            using var after = app.CreateClient();
            after.Cookie = winner.Cookie ?? cookie;
            Assert.Equal(winner.Path == "/flush" ? "(none)" : "alice", await after.GetStringAsync("/user"));
        }
    }

    /// <summary>100 concurrent read-modify-write increments of one counter: the final value is the number of 2xx answers; the rest are 409 with Retry-After.</summary>
    [Fact]
    public async Task Concurrent_increments_of_one_counter_end_at_the_number_of_2xx_answers()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=owner&value=alice");
        var cookie = client.Cookie!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return await c.PostAsync("/inc/shared");
        })));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.Conflict), r =>
        {
            Assert.Equal("0", r.Headers.GetValues("Retry-After").Single());
            Assert.Null(SessionClient.SetCookie(r));
        });
        Assert.Equal(ok.ToString(CultureInfo.InvariantCulture), (await client.GetStringAsync("/counters")).Split(':')[1].TrimEnd('}'));
    }

    /// <summary>A read-modify-write that lost the race is refused and changes nothing, not even its other keys; a retry succeeds.</summary>
    [Fact]
    public async Task A_lost_update_is_a_409_that_writes_nothing_and_a_retry_succeeds()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/inc/n");
        var cookie = client.Cookie!;

        var (response, late) = await GatedAsync(app, cookie, "/gated-inc?name=n", async () =>
            Assert.Equal("2", await (await client.PostAsync("/inc/n")).Content.ReadAsStringAsync()));
        using (late)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Null(SessionClient.SetCookie(response));
            Assert.Contains(app.Logs.Entries, e => e.Id.Name == "SessionConflict");
            Assert.Equal("3", await (await late.PostAsync("/inc/n")).Content.ReadAsStringAsync());
        }
    }

    /// <summary>In-place changes of a list read from the session are read-modify-writes too.</summary>
    [Fact]
    public async Task Concurrent_in_place_list_adds_keep_every_acknowledged_item()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/list/add?value=0&peek=false");
        var cookie = client.Cookie!;

        var responses = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Task.Run(async () =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return (Value: i, (await c.PostAsync($"/list/add?value={i}&peek=false")).StatusCode);
        })));

        var stored = (await client.GetStringAsync("/list")).Split(',').Select(int.Parse).ToHashSet();
        var acknowledged = responses.Where(r => r.StatusCode == HttpStatusCode.NoContent).Select(r => r.Value).ToList();
        Assert.All(acknowledged, v => Assert.Contains(v, stored));
        Assert.Equal(acknowledged.Count + 1, stored.Count);
    }

    /// <summary>Blind writes (no read first) are never refused: the last writer wins.</summary>
    [Fact]
    public async Task Blind_writes_of_one_key_are_never_refused()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=k&value=start");
        var cookie = client.Cookie!;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            using var c = app.CreateClient();
            c.Cookie = cookie;
            return (await c.PostAsync($"/set?key=k&value=v{i}")).StatusCode;
        })));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
    }

    /// <summary>With <see cref="SessionConcurrencyMode.LastWriterWins"/> a lost update is not detected (the documented trade-off).</summary>
    [Fact]
    public async Task Last_writer_wins_mode_does_not_refuse_read_modify_writes()
    {
        await using var app = await StartAsync(o => o.Concurrency = SessionConcurrencyMode.LastWriterWins);
        using var client = app.CreateClient();
        await client.PostAsync("/inc/n");

        var (response, late) = await GatedAsync(app, client.Cookie!, "/gated-inc?name=n", async () => await client.PostAsync("/inc/n"));
        using (late)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("2", await client.GetStringAsync("/counters").ContinueWith(t => t.Result.Split(':')[1].TrimEnd('}'), TaskScheduler.Default));
        }
    }

    /// <summary>A commit that failed is final: an endpoint that catches the failure and writes its own answer gets the 503, and the save is not tried again.</summary>
    [Fact]
    public async Task A_failed_commit_is_not_retried_when_the_endpoint_catches_it()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=a&value=1");
        app.Store.Reset();
        app.Store.FailOn = "save";

        var response = await client.PostAsync("/catch-failed-commit");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(1, app.Store.Calls("save"));
        app.Store.FailOn = null;
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=k"));
    }

    /// <summary>A value changed in place after the session was saved (the response had started) fails the request rather than finishing a 200 that dropped it.</summary>
    [Fact]
    public async Task A_change_after_the_session_was_saved_fails_the_response_instead_of_finishing_it()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/list/add?value=1&peek=false");

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var response = await client.PostAsync("/change-after-save");
            await response.Content.ReadAsStringAsync();
        });

        Assert.Equal("1", await client.GetStringAsync("/list"));
    }

    /// <summary>A failed cycle (store down) leaves the old id valid with its data, and sends no cookie.</summary>
    [Fact]
    public async Task A_cycle_that_fails_in_the_store_changes_nothing()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=cart&value=3");
        var cookie = client.Cookie!;

        app.Store.FailOn = "cycle";
        var response = await client.PostAsync("/signin?user=alice");
        app.Store.FailOn = null;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(cookie, client.Cookie);
        Assert.Equal("3", await client.GetStringAsync("/read?key=cart"));
        Assert.Equal("(none)", await client.GetStringAsync("/user"));
    }

    /// <summary>A flush followed by writes whose end fails (the old session was cycled meanwhile) takes the new session back: nothing changes.</summary>
    [Fact]
    public async Task A_flush_then_write_whose_end_is_interrupted_leaves_no_new_session()
    {
        await using var app = await StartAsync();
        using var owner = app.CreateClient();
        await owner.PostAsync("/set?key=a&value=1");
        var cookie = owner.Cookie!;
        app.Store.Reset();

        var gate = app.Services.GetRequiredService<Gate>();
        gate.Reset();
        using var other = app.CreateClient();
        other.Cookie = cookie;
        var pending = other.PostAsync("/gated-set?key=x&value=1");
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await owner.PostAsync("/cycle");
        gate.Release();
        AssertInterrupted(await pending);

        // The flush+write path: create the new session first, end the old one; the end finds a tombstone.
        using var flusher = app.CreateClient();
        flusher.Cookie = cookie;
        Assert.Equal(HttpStatusCode.Conflict, (await flusher.PostAsync("/flush")).StatusCode);
        Assert.Equal(0, app.Store.Calls("create"));
    }

    /// <summary>A login that fails on a full session (413) changes nothing: same id, same data, not signed in.</summary>
    [Fact]
    public async Task A_failed_login_on_a_full_session_changes_nothing()
    {
        await using var app = await StartAsync(o => o.MaxSessionSize = 4096);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=cart&value=3");
        var cookie = client.Cookie!;
        app.Store.Reset();

        var response = await client.PostAsync("/fill-then-signin?user=alice&size=5000");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(cookie, client.Cookie);
        Assert.Equal(0, app.Store.Calls("cycle") + app.Store.Calls("save") + app.Store.Calls("create") + app.Store.Calls("end"));
        Assert.Equal("(none)", await client.GetStringAsync("/user"));
        Assert.Equal("3", await client.GetStringAsync("/read?key=cart"));
    }

    /// <summary>Found too large only at commit (a list grown in place): 413, nothing saved, no cookie.</summary>
    [Fact]
    public async Task A_session_found_too_large_at_commit_is_413_and_nothing_changes()
    {
        await using var app = await StartAsync(o => o.MaxSessionSize = 300);
        using var client = app.CreateClient();
        await client.PostAsync("/list/add?value=1&peek=false");
        var cookie = client.Cookie!;

        HttpResponseMessage response = null!;
        for (var i = 0; i < 200; i++)
        {
            response = await client.PostAsync($"/list/add?value={1_000_000 + i}&peek=false");
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                break;
            }
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(cookie, client.Cookie);
        var stored = (await client.GetStringAsync("/list")).Split(',');
        Assert.DoesNotContain((1_000_000 + stored.Length - 1).ToString(CultureInfo.InvariantCulture), stored);
    }

    /// <summary>Signing in as another user flushes: nothing of the first user's session reaches the second; the same user keeps the data.</summary>
    [Fact]
    public async Task Signing_in_as_another_user_flushes_and_the_same_user_cycles_with_data_kept()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=cart&value=alice-cart");
        await client.PostAsync("/signin?user=alice");
        var alice = client.Cookie!;
        Assert.Equal("alice-cart", await client.GetStringAsync("/read?key=cart"));

        await client.PostAsync("/signin?user=alice");
        Assert.NotEqual(alice, client.Cookie);
        Assert.Equal("alice-cart", await client.GetStringAsync("/read?key=cart"));
        Assert.Equal("alice", await client.GetStringAsync("/user"));
        var aliceAgain = client.Cookie!;

        await client.PostAsync("/signin?user=bob");
        Assert.NotEqual(aliceAgain, client.Cookie);
        Assert.Equal("(none)", await client.GetStringAsync("/read?key=cart"));
        Assert.Equal("bob", await client.GetStringAsync("/user"));

        // Alice logging out everywhere later does not touch bob's session.
        using var aliceElsewhere = app.CreateClient();
        await aliceElsewhere.PostAsync("/signin?user=alice");
        await aliceElsewhere.PostAsync("/revoke");
        Assert.Equal("bob", await client.GetStringAsync("/user"));
    }

    public static TheoryData<string, string> OddCookies => new()
    {
        { "lowercase name", "__host-session={0}" },
        { "uppercase name", "__HOST-SESSION={0}" },
        { "unprefixed name", "session={0}" },
        { "percent-encoded value", "__Host-session={1}" },
        { "quoted value", "__Host-session=\"{0}\"" },
        { "two different values", "__Host-session={0}; __Host-session={2}" },
        { "two different values, other order", "__Host-session={2}; __Host-session={0}" },
    };

    /// <summary>Only the exact, case-sensitive name with the value exactly as issued is read; two different values are no session.</summary>
    [Theory]
    [MemberData(nameof(OddCookies))]
    public async Task Only_the_exact_cookie_name_and_value_is_read(string what, string header)
    {
        await using var app = await StartAsync();
        using var owner = app.CreateClient();
        await owner.PostAsync("/set?key=name&value=alice");
        var id = owner.Cookie!;
        var encoded = string.Concat(id.Select(c => "%" + ((int)c).ToString("X2", CultureInfo.InvariantCulture)));
        using var planted = app.CreateClient();
        await planted.PostAsync("/set?key=name&value=mallory");

        using var http = app.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://localhost/read?key=name");
        request.Headers.Add("Cookie", string.Format(CultureInfo.InvariantCulture, header, id, encoded, planted.Cookie));
        var response = await http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, what);
        Assert.Equal("(none)", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The same session cookie sent twice with the same value (two paths, one browser) is still that session.</summary>
    [Fact]
    public async Task The_same_value_twice_is_read()
    {
        await using var app = await StartAsync();
        using var owner = app.CreateClient();
        await owner.PostAsync("/set?key=name&value=alice");

        using var http = app.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://localhost/read?key=name");
        request.Headers.Add("Cookie", $"other=1; __Host-session={owner.Cookie}; __Host-session={owner.Cookie}");
        Assert.Equal("alice", await (await http.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.DoesNotContain(app.Logs.Entries, e => e.Id.Name == "AmbiguousCookie");

        using var ambiguous = new HttpRequestMessage(HttpMethod.Get, "https://localhost/read?key=name");
        ambiguous.Headers.Add("Cookie", $"__Host-session={owner.Cookie}; __Host-session={SessionId.New().Value}");
        Assert.Equal("(none)", await (await http.SendAsync(ambiguous)).Content.ReadAsStringAsync());
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "AmbiguousCookie" && e.Level == LogLevel.Warning);

        // A write with the duplicate is refused without a cookie: a fresh one would replace the browser's real cookie.
        using var write = new HttpRequestMessage(HttpMethod.Post, "https://localhost/set?key=name&value=mallory");
        write.Headers.Add("Cookie", $"__Host-session={owner.Cookie}; __Host-session={SessionId.New().Value}");
        var refused = await http.SendAsync(write);
        AssertInterrupted(refused);
        Assert.False(refused.Headers.Contains("Retry-After"));
        Assert.Equal("alice", await owner.GetStringAsync("/read?key=name"));
    }
}
