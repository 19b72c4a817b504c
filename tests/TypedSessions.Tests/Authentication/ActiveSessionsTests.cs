using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Tests.Integration;
using static TypedSessions.Tests.Authentication.AuthTestEndpoints;

namespace TypedSessions.Tests.Authentication;

/// <summary>
/// "Your sessions" (issue 15, point 3) through the real pipeline with cookie authentication and the ticket store, on
/// every store with a user index: opt-in device info (user agent, truncated IP, last seen), a non-secret handle per
/// device, ending one device or all others — and nothing recorded unless enabled.
/// </summary>
public abstract class ActiveSessionsTests(TestStore store) : IAsyncLifetime
{
    private const string AuthCookie = ".AspNetCore.Cookies";

    private readonly TestStores _stores = new(store);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _stores.CleanUpAsync();

    private async Task<TestApp> StartAsync(bool record = true) => await TestApp.StartAsync(
        Map,
        o => o.ActiveSessions.RecordClientInfo = record,
        store: await _stores.FactoryAsync(),
        services: s =>
        {
            s.AddAuthentication().AddCookie(o => o.UseTypedSessionsTicketStore());
            s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestClientAddress>();
        });

    [Fact]
    public async Task A_users_devices_are_listed_with_their_client_and_one_can_be_ended_by_handle()
    {
        await using var app = await StartAsync();
        var laptop = await Device.SignInAsync(app, "alice", "Laptop/1.0", "203.0.113.7");
        var phone = await Device.SignInAsync(app, "alice", "Phone/2.0", "2001:db8:1234:5678::1");
        var bob = await Device.SignInAsync(app, "bob", "Bob/1.0", "198.51.100.9");

        var listed = await laptop.ListAsync(app);

        Assert.Equal(2, listed.Count);
        var mine = Assert.Single(listed, d => d.Current);
        Assert.Equal("Laptop/1.0", mine.UserAgent);
        Assert.Equal("203.0.113.0/24", mine.Ip);
        var other = Assert.Single(listed, d => !d.Current);
        Assert.Equal("Phone/2.0", other.UserAgent);
        Assert.Equal("2001:db8:1234::/48", other.Ip);
        Assert.All(listed, d =>
        {
            Assert.True(d.HasTicket);
            Assert.Equal(2, d.Sessions);
            Assert.Matches("^[0-9a-f]{16}$", d.Handle);
            Assert.DoesNotContain(d.Handle, laptop.Session + phone.Session + laptop.Auth + phone.Auth, StringComparison.Ordinal);
        });

        // A handle of another user's device ends nothing.
        var bobs = (await bob.ListAsync(app)).Single().Handle;
        Assert.Equal("0", await laptop.PostAsync(app, $"/sessions/end?handle={bobs}"));
        Assert.Equal("bob:0", await bob.MeAsync(app));

        // Ending the phone ends its request session and its auth ticket: it is signed out on its next request.
        Assert.Equal("2", await laptop.PostAsync(app, $"/sessions/end?handle={other.Handle}"));
        Assert.Equal("anonymous", await phone.MeAsync(app));
        Assert.Equal("(none)", await phone.GetAsync(app, "/user-key"));
        Assert.Equal("alice:0", await laptop.MeAsync(app));
        Assert.Single(await laptop.ListAsync(app));
    }

    [Fact]
    public async Task Ending_all_other_devices_keeps_only_this_one()
    {
        await using var app = await StartAsync();
        var laptop = await Device.SignInAsync(app, "alice", "Laptop/1.0", "203.0.113.7");
        var phone = await Device.SignInAsync(app, "alice", "Phone/2.0", "203.0.113.8");
        var tablet = await Device.SignInAsync(app, "alice", "Tablet/3.0", "192.0.2.1");

        Assert.Equal("4", await laptop.PostAsync(app, "/sessions/end-others"));

        Assert.Equal("anonymous", await phone.MeAsync(app));
        Assert.Equal("anonymous", await tablet.MeAsync(app));
        Assert.Equal("alice:0", await laptop.MeAsync(app));
        var left = Assert.Single(await laptop.ListAsync(app));
        Assert.True(left.Current);
    }

    [Fact]
    public async Task Last_seen_is_refreshed_after_the_interval_only()
    {
        await using var app = await StartAsync();
        var laptop = await Device.SignInAsync(app, "alice", "Laptop/1.0", "203.0.113.7");
        var signedInAt = (await laptop.ListAsync(app)).Single().LastSeen;

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await laptop.GetAsync(app, "/value");
        Assert.Equal(signedInAt, (await laptop.ListAsync(app)).Single().LastSeen);

        app.Time.Advance(TimeSpan.FromMinutes(4));
        await laptop.GetAsync(app, "/value");
        Assert.Equal(app.Time.GetUtcNow().ToUnixTimeSeconds(), (await laptop.ListAsync(app)).Single().LastSeen);
    }

    [Fact]
    public async Task Parallel_requests_that_all_refresh_last_seen_never_conflict()
    {
        await using var app = await StartAsync();
        var laptop = await Device.SignInAsync(app, "alice", "Laptop/1.0", "203.0.113.7");
        app.Time.Advance(TimeSpan.FromMinutes(6));

        // A page and its XHRs after a pause: each request is due to refresh the device record.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => laptop.SendRawAsync(app, HttpMethod.Get, "/value")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(app.Time.GetUtcNow().ToUnixTimeSeconds(), (await laptop.ListAsync(app)).Single().LastSeen);
    }

    [Fact]
    public async Task Nothing_about_the_client_is_stored_unless_enabled()
    {
        await using var app = await StartAsync(record: false);
        var laptop = await Device.SignInAsync(app, "alice", "Laptop/1.0", "203.0.113.7");

        var listed = await laptop.ListAsync(app);

        // Without device records, the request session and the ticket are two entries, with no client details.
        Assert.Equal(2, listed.Count);
        Assert.All(listed, d => Assert.True(d.UserAgent.Length == 0 && d.Ip.Length == 0 && d.LastSeen is null && d.Sessions == 1));
        Assert.Single(listed, d => d.HasTicket);
        Assert.Single(listed, d => d.Current);
        var manager = app.Services.GetRequiredService<ISessionManager>();
        foreach (var d in listed)
        {
            Assert.Equal(1, await manager.EndUserSessionAsync("id-alice", d.Handle));
        }

        Assert.Equal("anonymous", await laptop.MeAsync(app));
    }

    /// <summary>On the in-memory store.</summary>
    public sealed class OnMemory() : ActiveSessionsTests(TestStore.Memory);

    /// <summary>On a SQLite file.</summary>
    public sealed class OnSqlite() : ActiveSessionsTests(TestStore.Sqlite);

    /// <summary>On the test PostgreSQL server.</summary>
    public sealed class OnPostgreSql() : ActiveSessionsTests(TestStore.PostgreSql);

    /// <summary>On the test Redis server.</summary>
    public sealed class OnRedis() : ActiveSessionsTests(TestStore.Redis);

    private sealed record Listed(string Handle, string UserAgent, string Ip, bool HasTicket, int Sessions, bool Current, long? LastSeen);

    /// <summary>A browser: its session and auth cookies, user agent and address.</summary>
    private sealed class Device(string userAgent, string ip)
    {
        public string? Session { get; private set; }

        public string? Auth { get; private set; }

        public static async Task<Device> SignInAsync(TestApp app, string user, string userAgent, string ip)
        {
            var device = new Device(userAgent, ip);
            var login = await device.SendAsync(app, HttpMethod.Post, $"/login?user={user}");
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            return device;
        }

        public async Task<List<Listed>> ListAsync(TestApp app)
            => (await GetAsync(app, "/sessions")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('|'))
                .Select(f => new Listed(f[0], f[1], f[2], bool.Parse(f[3]), int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture), f[5] == "current", f[6].Length == 0 ? null : long.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();

        public async Task<string> MeAsync(TestApp app) => await GetAsync(app, "/me");

        public async Task<string> GetAsync(TestApp app, string path)
        {
            var response = await SendAsync(app, HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        public async Task<string> PostAsync(TestApp app, string path)
        {
            var response = await SendAsync(app, HttpMethod.Post, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        public Task<HttpResponseMessage> SendRawAsync(TestApp app, HttpMethod method, string path) => SendAsync(app, method, path);

        private async Task<HttpResponseMessage> SendAsync(TestApp app, HttpMethod method, string path)
        {
            using var client = app.Server.CreateClient();
            using var request = new HttpRequestMessage(method, new Uri("https://localhost" + path));
            request.Headers.UserAgent.ParseAdd(userAgent);
            request.Headers.Add(TestClientAddress.Header, ip);
            var cookies = new[] { Session is null ? null : SessionClient.CookieName + "=" + Session, Auth }.Where(c => c is not null);
            if (cookies.Any())
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies));
            }

            var response = await client.SendAsync(request);
            if (CookieOf(response, SessionClient.CookieName) is { } session)
            {
                Session = session.Split('=', 2)[1] is { Length: > 0 } value ? value : null;
            }

            if (CookieOf(response, AuthCookie) is { } auth)
            {
                Auth = auth.EndsWith('=') ? null : auth;
            }

            return response;
        }
    }
}

/// <summary>Gives each test request the client address it names in a header (TestServer has none).</summary>
internal sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Ip";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
