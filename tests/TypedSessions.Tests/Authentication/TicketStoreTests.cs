using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Tests.Integration;
using static TypedSessions.Tests.Authentication.AuthTestEndpoints;

namespace TypedSessions.Tests.Authentication;

/// <summary>
/// Cookie authentication with its tickets in the session store (<c>UseTypedSessionsTicketStore()</c>, issue 15 point 2),
/// through the real pipeline on every server-side store: the cookie is a short opaque key whatever the claims; revoking
/// the user or signing out ends a copied (stolen) auth cookie; tampered and unknown keys are anonymous; a store that is
/// down is a 503, never a sign-in.
/// </summary>
public abstract class TicketStoreTests(TestStore store) : IAsyncLifetime
{
    private const string AuthCookie = ".AspNetCore.Cookies";

    private readonly TestStores _stores = new(store);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _stores.CleanUpAsync();

    private async Task<TestApp> StartAsync(Action<CookieAuthenticationOptions>? cookie = null) => await TestApp.StartAsync(
        Map,
        store: await _stores.FactoryAsync(),
        services: s => s.AddAuthentication().AddCookie(o =>
        {
            o.UseTypedSessionsTicketStore();
            cookie?.Invoke(o);
        }));

    private static async Task<string> SignInAsync(TestApp app, string user, int claims = 0)
    {
        var login = await SendAsync(app, HttpMethod.Post, $"/login?user={user}&claims={claims}", null, null);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return CookieOf(login, AuthCookie) ?? throw new InvalidOperationException("no auth cookie");
    }

    private static async Task<string> MeAsync(TestApp app, string? authCookie)
    {
        var response = await SendAsync(app, HttpMethod.Get, "/me", null, authCookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_ticket_with_200_claims_travels_as_a_cookie_under_200_bytes()
    {
        await using var app = await StartAsync();

        var cookie = await SignInAsync(app, "alice", claims: 200);

        Assert.True(cookie.Length < 200, $"the auth cookie is {cookie.Length} bytes: {cookie}");
        Assert.Equal("alice:200", await MeAsync(app, cookie));
    }

    [Fact]
    public async Task A_stolen_auth_cookie_stops_working_when_the_user_is_revoked()
    {
        await using var app = await StartAsync();
        var cookie = await SignInAsync(app, "alice");
        var stolen = cookie;
        Assert.Equal("alice:0", await MeAsync(app, stolen));

        Assert.True(await app.Services.GetRequiredService<ISessionManager>().RevokeUserAsync("id-alice") >= 1);

        Assert.Equal("anonymous", await MeAsync(app, stolen));
    }

    [Fact]
    public async Task Log_out_everywhere_from_a_session_ends_the_other_devices_auth_tickets()
    {
        await using var app = await StartAsync();
        var laptop = await SignInAsync(app, "alice");
        var phone = await SignInAsync(app, "alice");
        var bob = await SignInAsync(app, "bob");

        // The laptop's own session (bound at sign-in by the hook) revokes every session of alice.
        var login = await SendAsync(app, HttpMethod.Post, "/login?user=alice", null, null);
        var session = CookieOf(login, SessionClient.CookieName)!.Split('=', 2)[1];
        var revoke = await SendAsync(app, HttpMethod.Post, "/revoke-mine", session, null);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        Assert.Equal("anonymous", await MeAsync(app, laptop));
        Assert.Equal("anonymous", await MeAsync(app, phone));
        Assert.Equal("bob:0", await MeAsync(app, bob));
    }

    [Fact]
    public async Task Signing_out_ends_the_ticket_so_a_copy_of_the_cookie_is_anonymous()
    {
        await using var app = await StartAsync();
        var cookie = await SignInAsync(app, "alice");

        var logout = await SendAsync(app, HttpMethod.Post, "/logout", null, cookie);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);

        Assert.Equal("anonymous", await MeAsync(app, cookie));
    }

    [Fact]
    public async Task Tampered_unknown_and_foreign_cookies_are_anonymous()
    {
        await using var app = await StartAsync();
        var cookie = await SignInAsync(app, "alice");
        var value = cookie.Split('=', 2)[1];
        var flipped = (value[0] == 'A' ? 'B' : 'A') + value[1..];

        Assert.Equal("anonymous", await MeAsync(app, $"{AuthCookie}={flipped}"));
        Assert.Equal("anonymous", await MeAsync(app, $"{AuthCookie}={Ids.SessionId.New().Value}"));
        Assert.Equal("anonymous", await MeAsync(app, $"{AuthCookie}={value}x"));
        Assert.Equal("anonymous", await MeAsync(app, $"{AuthCookie}=CfDJ8NotAProtectedTicketButLooksLikeOne"));
        Assert.Equal("anonymous", await MeAsync(app, $"{AuthCookie}="));
        Assert.Equal("alice:0", await MeAsync(app, cookie));
    }

    [Fact]
    public async Task A_stored_ticket_that_does_not_read_back_is_anonymous_and_logged()
    {
        await using var app = await StartAsync();
        var cookie = await SignInAsync(app, "alice");
        var manager = app.Services.GetRequiredService<ISessionManager>();
        var ticket = await manager.OpenAsync(cookie.Split('=', 2)[1]);
        ticket.Set("__authTicket", new byte[] { 5, 0, 0, 0, 0xFF, 0xFF });
        await manager.SaveAsync(ticket);

        Assert.Equal("anonymous", await MeAsync(app, cookie));
        Assert.Contains(app.Logs.Entries, e => e.Id.Name == "AuthTicketUnreadable");
    }

    [Fact]
    public async Task A_store_that_is_down_is_a_503_never_a_sign_in_or_a_silent_sign_out()
    {
        await using var app = await StartAsync();
        var cookie = await SignInAsync(app, "alice");

        app.Store.FailOn = "load";
        var me = await SendAsync(app, HttpMethod.Get, "/me", null, cookie);
        app.Store.FailOn = "create";
        var login = await SendAsync(app, HttpMethod.Post, "/login?user=bob", null, null);
        app.Store.FailOn = null;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.Null(CookieOf(login, AuthCookie));
        Assert.Equal("alice:0", await MeAsync(app, cookie));

        // A sign-out the store cannot carry out (deleting the ticket) is a 503 too: the browser keeps its cookie and
        // knows it is still signed in, rather than believing a sign-out whose ticket still works.
        app.Store.FailOn = "delete";
        var logout = await SendAsync(app, HttpMethod.Post, "/logout", null, cookie);
        app.Store.FailOn = null;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, logout.StatusCode);
        Assert.Null(CookieOf(logout, AuthCookie));
        Assert.Equal("alice:0", await MeAsync(app, cookie));
    }

    [Fact]
    public async Task The_ticket_expires_with_the_cookie_schemes_lifetime()
    {
        await using var app = await StartAsync(o =>
        {
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = false;
        });
        var cookie = await SignInAsync(app, "alice");

        app.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal("alice:0", await MeAsync(app, cookie));
        app.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("anonymous", await MeAsync(app, cookie));
    }

    [Fact]
    public async Task Parallel_sign_ins_each_get_their_own_working_ticket()
    {
        await using var app = await StartAsync();

        var cookies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => SignInAsync(app, "user" + i)));

        Assert.Equal(12, cookies.Distinct().Count());
        for (var i = 0; i < cookies.Length; i++)
        {
            Assert.Equal($"user{i}:0", await MeAsync(app, cookies[i]));
        }
    }

    /// <summary>On the in-memory store.</summary>
    public sealed class OnMemory() : TicketStoreTests(TestStore.Memory);

    /// <summary>On a SQLite file.</summary>
    public sealed class OnSqlite() : TicketStoreTests(TestStore.Sqlite);

    /// <summary>On the test PostgreSQL server.</summary>
    public sealed class OnPostgreSql() : TicketStoreTests(TestStore.PostgreSql);

    /// <summary>On the test Redis server.</summary>
    public sealed class OnRedis() : TicketStoreTests(TestStore.Redis);
}
