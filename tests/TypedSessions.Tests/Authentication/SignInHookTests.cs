using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Tests.Integration;
using static TypedSessions.Tests.Authentication.AuthTestEndpoints;

namespace TypedSessions.Tests.Authentication;

/// <summary>
/// <c>HttpContext.SignInAsync</c>/<c>SignOutAsync</c> keep the session in step for any scheme (issue 15, point 1): the id
/// changes at sign-in and the pre-login id is dead, the session is bound to the user (the user index holds it), a sign-out
/// flushes it — through the real pipeline with cookie authentication and with a scheme of the test's own.
/// </summary>
public sealed class SignInHookTests
{
    // TestApp adds TypedSessions before these services: the hook wraps the AuthenticationService AddAuthentication() would add.
    private static Task<TestApp> StartAsync(Action<TypedSessionOptions>? configure = null) => TestApp.StartAsync(
        Map,
        configure,
        services: s => s.AddAuthentication(o => o.AddScheme<HeaderSignInHandler>(HeaderScheme, null)).AddCookie());

    [Theory]
    [InlineData(CookieAuthenticationDefaults.AuthenticationScheme)]
    [InlineData(HeaderScheme)]
    public async Task Signing_in_cycles_the_id_kills_the_old_one_keeps_the_data_and_binds_the_user(string scheme)
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/value?value=cart");
        var anonymous = client.Cookie;

        var login = await client.PostAsync($"/login?user=alice&scheme={scheme}");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotNull(client.Cookie);
        Assert.NotEqual(anonymous, client.Cookie);
        Assert.Equal("cart", await client.GetStringAsync("/value"));
        Assert.Equal("id-alice", await client.GetStringAsync("/user-key"));

        // The pre-login id is dead: replaying it reads nothing.
        using var replay = app.CreateClient();
        replay.Cookie = anonymous;
        Assert.Equal("(none)", await replay.GetStringAsync("/value"));

        // The user index holds the session: revoking the user ends it.
        Assert.Equal(1, await app.Services.GetRequiredService<ISessionManager>().RevokeUserAsync("id-alice"));
        Assert.Equal("(none)", await client.GetStringAsync("/value"));
    }

    [Fact]
    public async Task Authentication_registered_before_TypedSessions_gets_the_hook_too()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Testing" });
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.UseTestServer(builder.WebHost);
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero).AddMemoryStore();
        await using var app = builder.Build();
        app.UseTypedSessions();
        Map(app);
        await app.StartAsync();
        using var client = new SessionClient(Microsoft.AspNetCore.TestHost.HostBuilderTestServerExtensions.GetTestServer(app).CreateClient());
        await client.PostAsync("/value?value=cart");
        var anonymous = client.Cookie;

        await client.PostAsync("/login?user=alice");

        Assert.NotEqual(anonymous, client.Cookie);
        Assert.Equal("id-alice", await client.GetStringAsync("/user-key"));
    }

    [Fact]
    public async Task Signing_in_as_another_user_flushes_the_first_users_data()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/login?user=alice");
        await client.PostAsync("/value?value=alice-secret");

        await client.PostAsync("/login?user=bob");

        Assert.Equal("(none)", await client.GetStringAsync("/value"));
        Assert.Equal("id-bob", await client.GetStringAsync("/user-key"));
    }

    [Theory]
    [InlineData(CookieAuthenticationDefaults.AuthenticationScheme)]
    [InlineData(HeaderScheme)]
    public async Task Signing_out_flushes_the_session(string scheme)
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync($"/login?user=alice&scheme={scheme}");
        await client.PostAsync("/value?value=cart");
        var signedIn = client.Cookie;

        var logout = await client.PostAsync($"/logout?scheme={scheme}");

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Null(client.Cookie);
        using var replay = app.CreateClient();
        replay.Cookie = signedIn;
        Assert.Equal("(none)", await replay.GetStringAsync("/value"));
    }

    [Fact]
    public async Task Options_keep_the_session_at_sign_out_take_another_claim_and_turn_the_sign_in_hook_off()
    {
        await using (var app = await StartAsync(o =>
        {
            o.Authentication.SignOut = SessionSignOutBehavior.Keep;
            o.Authentication.UserKeyClaimTypes = ["sub"];
        }))
        {
            using var client = app.CreateClient();
            await client.PostAsync("/login?user=alice&claimType=sub");
            Assert.Equal("id-alice", await client.GetStringAsync("/user-key"));
            await client.PostAsync("/value?value=kept");
            var id = client.Cookie;
            await client.PostAsync("/logout");
            Assert.Equal(id, client.Cookie);
            Assert.Equal("kept", await client.GetStringAsync("/value"));
        }

        await using (var app = await StartAsync(o => o.Authentication.SignInSession = false))
        {
            using var client = app.CreateClient();
            await client.PostAsync("/value?value=cart");
            var anonymous = client.Cookie;
            await client.PostAsync("/login?user=alice");
            Assert.Equal(anonymous, client.Cookie);
            Assert.Equal("(none)", await client.GetStringAsync("/user-key"));
        }
    }

    [Fact]
    public async Task A_principal_without_a_user_key_claim_still_gets_a_new_id()
    {
        await using var app = await StartAsync(o => o.Authentication.UserKeyClaimTypes = ["no-such-claim"]);
        using var client = app.CreateClient();
        await client.PostAsync("/value?value=cart");
        var anonymous = client.Cookie;

        await client.PostAsync("/login?user=alice");

        Assert.NotEqual(anonymous, client.Cookie);
        Assert.Equal("(none)", await client.GetStringAsync("/user-key"));
        Assert.Equal("cart", await client.GetStringAsync("/value"));
    }

    [Fact]
    public async Task A_store_that_is_down_at_sign_in_is_a_503_and_signs_nobody_in()
    {
        await using var app = await StartAsync(o => o.LoadMode = SessionLoadMode.OnDemand);
        using var client = app.CreateClient();
        await client.PostAsync("/value?value=cart");

        app.Store.FailOn = "load";
        var login = await client.PostAsync("/login?user=alice");
        app.Store.FailOn = null;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.Null(CookieOf(login, ".AspNetCore.Cookies"));
        Assert.Null(SessionClientCookie(login));
    }

    [Fact]
    public async Task Two_parallel_sign_ins_on_one_cookie_sign_in_once_and_the_other_is_refused_without_an_auth_cookie()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/value?value=cart");
        var anonymous = client.Cookie;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(app, HttpMethod.Post, "/login?user=alice", anonymous, null)));

        var signedIn = responses.Where(r => r.IsSuccessStatusCode).ToList();
        Assert.Single(signedIn);
        Assert.NotNull(CookieOf(signedIn[0], ".AspNetCore.Cookies"));
        Assert.All(responses.Where(r => !r.IsSuccessStatusCode), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Null(CookieOf(r, ".AspNetCore.Cookies"));
            Assert.Null(SessionClientCookie(r));
        });

        // The acknowledged sign-in's session holds the data and the user.
        using var winner = app.CreateClient();
        winner.Cookie = SessionClientCookie(signedIn[0])!.Split('=', 2)[1];
        Assert.Equal("cart", await winner.GetStringAsync("/value"));
        Assert.Equal("id-alice", await winner.GetStringAsync("/user-key"));
    }

    [Fact]
    public async Task An_endpoint_without_a_session_signs_in_without_touching_sessions()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        var login = await client.PostAsync("/login-without-session?user=alice");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotNull(CookieOf(login, ".AspNetCore.Cookies"));
        Assert.Null(SessionClientCookie(login));
    }

    private static string? SessionClientCookie(HttpResponseMessage response) => CookieOf(response, SessionClient.CookieName);
}
