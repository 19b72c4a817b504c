using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using TypedSessions;

namespace ShopSample.Tests;

/// <summary>
/// "Your sessions" (<c>/sessions</c>, <c>/api/sessions</c>) over the real pipeline: cookie authentication with the
/// ticket store, each client a device with its own cookie jar and user agent.
/// </summary>
public sealed partial class YourSessionsTests
{
    private const string Laptop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private const string Phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    private const string Tablet = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

    [Fact]
    public async Task Two_devices_of_a_user_are_listed_with_this_device_marked()
    {
        using var app = new ShopApp();
        using var laptop = await Device.LoginAsync(app, Laptop);
        using var phone = await Device.LoginAsync(app, Phone);

        var fromLaptop = await laptop.ListAsync();
        var fromPhone = await phone.ListAsync();

        Assert.Equal(2, fromLaptop.Count);
        var mine = Assert.Single(fromLaptop, d => d.GetProperty("thisDevice").GetBoolean());
        Assert.Equal("Firefox on Windows", mine.GetProperty("device").GetString());
        Assert.Equal(Laptop, mine.GetProperty("userAgent").GetString());
        var other = Assert.Single(fromLaptop, d => !d.GetProperty("thisDevice").GetBoolean());
        Assert.Equal("Chrome on Android", other.GetProperty("device").GetString());
        Assert.Equal(
            ["createdAt", "device", "expiresAt", "handle", "ipNetwork", "lastSeen", "thisDevice", "userAgent"],
            mine.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(fromLaptop, d => Assert.Matches("^[0-9a-f]{16}$", d.GetProperty("handle").GetString()));

        // The phone sees the same two, with "this device" on its own.
        Assert.Equal(Handles(fromLaptop), Handles(fromPhone));
        Assert.Equal(other.GetProperty("handle").GetString(), Assert.Single(fromPhone, d => d.GetProperty("thisDevice").GetBoolean()).GetProperty("handle").GetString());

        // Handles are no part of any cookie.
        Assert.All(Handles(fromLaptop), h => Assert.DoesNotContain(h, laptop.Session + laptop.Auth + phone.Session + phone.Auth, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ending_the_other_device_logs_it_out_on_its_next_request()
    {
        using var app = new ShopApp();
        using var laptop = await Device.LoginAsync(app, Laptop);
        using var phone = await Device.LoginAsync(app, Phone);
        var phoneHandle = Assert.Single(await laptop.ListAsync(), d => !d.GetProperty("thisDevice").GetBoolean()).GetProperty("handle").GetString();

        using (var end = await laptop.PostAsync($"/api/sessions/{phoneHandle}/end"))
        {
            Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await phone.SessionAsync()).GetProperty("username").ValueKind);
        using (var list = await phone.GetAsync("/api/sessions"))
        {
            await list.AssertErrorAsync(HttpStatusCode.Unauthorized);
        }

        using (var page = await phone.GetAsync("/sessions"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
        }

        Assert.Equal("alice", (await laptop.SessionAsync()).GetProperty("username").GetString());
        Assert.True(Assert.Single(await laptop.ListAsync()).GetProperty("thisDevice").GetBoolean());

        // Ending it again finds nothing.
        using var again = await laptop.PostAsync($"/api/sessions/{phoneHandle}/end");
        await again.AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ending_all_other_devices_keeps_only_this_one()
    {
        using var app = new ShopApp();
        using var laptop = await Device.LoginAsync(app, Laptop);
        using var phone = await Device.LoginAsync(app, Phone);
        using var tablet = await Device.LoginAsync(app, Tablet);
        using var bob = await Device.LoginAsync(app, Laptop, "bob", "builder");
        Assert.Equal(3, (await laptop.ListAsync()).Count);

        using (var end = await laptop.PostAsync("/api/sessions/end-others"))
        {
            Assert.Equal(HttpStatusCode.NoContent, end.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await phone.SessionAsync()).GetProperty("username").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await tablet.SessionAsync()).GetProperty("username").ValueKind);
        Assert.Equal("alice", (await laptop.SessionAsync()).GetProperty("username").GetString());
        Assert.True(Assert.Single(await laptop.ListAsync()).GetProperty("thisDevice").GetBoolean());
        Assert.Equal("bob", (await bob.SessionAsync()).GetProperty("username").GetString());
        Assert.Single(await bob.ListAsync());
    }

    [Fact]
    public async Task Another_users_handle_ends_nothing_and_this_devices_handle_is_refused()
    {
        using var app = new ShopApp();
        using var alice = await Device.LoginAsync(app, Laptop);
        using var bob = await Device.LoginAsync(app, Phone, "bob", "builder");
        var bobs = Assert.Single(await bob.ListAsync()).GetProperty("handle").GetString();
        var own = Assert.Single(await alice.ListAsync()).GetProperty("handle").GetString();

        using (var foreign = await alice.PostAsync($"/api/sessions/{bobs}/end"))
        {
            await foreign.AssertErrorAsync(HttpStatusCode.NotFound);
        }

        using (var self = await alice.PostAsync($"/api/sessions/{own}/end"))
        {
            await self.AssertErrorAsync(HttpStatusCode.BadRequest);
        }

        // The page's button does nothing with either.
        foreach (var handle in new[] { bobs!, own! })
        {
            using var post = await alice.PostFormAsync("/sessions?handler=End", new() { ["handle"] = handle });
            Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        }

        Assert.Equal("bob", (await bob.SessionAsync()).GetProperty("username").GetString());
        Assert.Single(await bob.ListAsync());
        Assert.Equal("alice", (await alice.SessionAsync()).GetProperty("username").GetString());
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_sent_to_login_and_the_api_answers_401()
    {
        using var app = new ShopApp();
        await app.StartSessionAsync();

        using (var page = await app.GetAsync("/sessions"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
            Assert.Contains("ReturnUrl=%2Fsessions", page.Headers.Location.Query, StringComparison.Ordinal);
        }

        foreach (var (method, url) in new[] { ("GET", "/api/sessions"), ("POST", "/api/sessions/0123456789abcdef/end"), ("POST", "/api/sessions/end-others") })
        {
            using var response = await app.SendAsync(new HttpMethod(method), url);
            await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(1, (await app.SessionAsync()).GetProperty("cart").GetArrayLength());
    }

    [Fact]
    public async Task The_login_form_returns_to_the_sessions_page_that_asked_for_it()
    {
        using var app = new ShopApp();
        using var laptop = new Device(app, Laptop);
        var token = await laptop.AntiforgeryTokenAsync("/login?ReturnUrl=%2Fsessions");

        using var login = await laptop.PostFormAsync("/login?ReturnUrl=%2Fsessions", new() { ["username"] = "alice", ["password"] = "wonderland" }, token);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/sessions", login.Headers.Location!.OriginalString);
        using var page = await laptop.GetAsync("/sessions");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // Only local addresses are followed.
        using var other = new Device(app, Phone);
        token = await other.AntiforgeryTokenAsync("/login");
        using var away = await other.PostFormAsync("/login?ReturnUrl=https%3A%2F%2Fevil.example%2F", new() { ["username"] = "alice", ["password"] = "wonderland" }, token);
        Assert.Equal("/", away.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_page_lists_the_devices_and_signs_one_out_with_its_antiforgery_token_only()
    {
        using var app = new ShopApp();
        using var laptop = await Device.LoginAsync(app, Laptop);
        using var phone = await Device.LoginAsync(app, Phone);
        var phoneHandle = Assert.Single(await laptop.ListAsync(), d => !d.GetProperty("thisDevice").GetBoolean()).GetProperty("handle").GetString()!;

        using (var page = await laptop.GetAsync("/sessions"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(2, DeviceItem().Count(html));
            Assert.Equal(1, ThisDeviceBadge().Count(html));
            Assert.Contains("Firefox on Windows", html, StringComparison.Ordinal);
            Assert.Contains("Chrome on Android", html, StringComparison.Ordinal);
            Assert.Contains("Sign out all other devices", html, StringComparison.Ordinal);
            Assert.Contains("user agent", html, StringComparison.Ordinal);
            Assert.DoesNotContain(laptop.Session!, html, StringComparison.Ordinal);
            Assert.DoesNotContain(laptop.Auth!, html, StringComparison.Ordinal);
        }

        // Without the token: 400, nothing ended.
        using (var forged = await laptop.PostFormAsync("/sessions?handler=End", new() { ["handle"] = phoneHandle }, token: null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var forgedAll = await laptop.PostFormAsync("/sessions?handler=EndOthers", [], token: null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedAll.StatusCode);
        }

        Assert.Equal("alice", (await phone.SessionAsync()).GetProperty("username").GetString());

        using (var end = await laptop.PostFormAsync("/sessions?handler=End", new() { ["handle"] = phoneHandle }))
        {
            Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
            Assert.Equal("/sessions?ended=one", end.Headers.Location!.OriginalString);
        }

        Assert.Equal(JsonValueKind.Null, (await phone.SessionAsync()).GetProperty("username").ValueKind);
        using var after = await laptop.GetAsync("/sessions?ended=one");
        var afterHtml = await after.Content.ReadAsStringAsync();
        Assert.Equal(1, DeviceItem().Count(afterHtml));
        Assert.Contains("That device is signed out.", afterHtml, StringComparison.Ordinal);
        Assert.Contains("This is the only device", afterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_end_others_button_signs_out_every_other_device()
    {
        using var app = new ShopApp();
        using var laptop = await Device.LoginAsync(app, Laptop);
        using var phone = await Device.LoginAsync(app, Phone);
        using var tablet = await Device.LoginAsync(app, Tablet);

        using (var end = await laptop.PostFormAsync("/sessions?handler=EndOthers", []))
        {
            Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await phone.SessionAsync()).GetProperty("username").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await tablet.SessionAsync()).GetProperty("username").ValueKind);
        Assert.Single(await laptop.ListAsync());
    }

    [Theory]
    [InlineData("https://evil.example", null)]
    [InlineData(null, "cross-site")]
    [InlineData(null, "same-site")]
    public async Task Api_posts_another_site_makes_are_refused_and_end_nothing(string? origin, string? fetchSite)
    {
        using var app = new ShopApp();
        using var laptop = await Device.LoginAsync(app, Laptop);
        using var phone = await Device.LoginAsync(app, Phone);
        var phoneHandle = Assert.Single(await laptop.ListAsync(), d => !d.GetProperty("thisDevice").GetBoolean()).GetProperty("handle").GetString();

        foreach (var url in new[] { $"/api/sessions/{phoneHandle}/end", "/api/sessions/end-others" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            if (origin is not null)
            {
                request.Headers.Add(HeaderNames.Origin, origin);
            }

            if (fetchSite is not null)
            {
                request.Headers.Add("Sec-Fetch-Site", fetchSite);
            }

            using var response = await laptop.Client.SendAsync(request);
            await response.AssertErrorAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal("alice", (await phone.SessionAsync()).GetProperty("username").GetString());
        Assert.Equal(2, (await laptop.ListAsync()).Count);
    }

    [Fact]
    public async Task Login_sets_a_small_secure_host_only_auth_cookie_and_logout_deletes_it_and_its_ticket()
    {
        using var app = new ShopApp();
        string auth;
        using (var login = await app.PostAsync("/api/login", """{"username":"alice","password":"wonderland"}"""))
        {
            var cookie = AuthCookie(login);
            Assert.NotNull(cookie);
            Assert.Equal(43, cookie.Value.Length); // the ticket store's key, not the ticket
            Assert.True(cookie.Secure);
            Assert.True(cookie.HttpOnly);
            Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
            Assert.Equal("/", cookie.Path.Value);
            Assert.Null(cookie.Domain.Value);
            auth = cookie.Value.Value!;
        }

        Assert.True(await TicketIsStoredAsync(app, auth));
        using (var logout = await app.PostAsync("/api/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            Assert.Equal("", AuthCookie(logout)?.Value.Value);
        }

        Assert.Null(app.AuthCookieValue);
        Assert.False(await TicketIsStoredAsync(app, auth));
    }

    [Fact]
    public async Task A_stolen_auth_cookie_stops_working_after_logout_everywhere()
    {
        using var app = new ShopApp();
        using var victim = await Device.LoginAsync(app, Laptop);
        using var thief = new Device(app, Phone);

        // The auth cookie alone signs nobody in: a ticket counts only with the session it was issued with.
        thief.SetCookies(null, victim.Auth);
        using (var alone = await thief.GetAsync("/api/sessions"))
        {
            await alone.AssertErrorAsync(HttpStatusCode.Unauthorized);
        }

        // Both cookies copied: the thief is the victim, until the victim logs out everywhere.
        thief.SetCookies(victim.Session, victim.Auth);
        Assert.Single(await thief.ListAsync());
        using (var everywhere = await victim.PostAsync("/api/logout-everywhere"))
        {
            Assert.Equal(HttpStatusCode.NoContent, everywhere.StatusCode);
        }

        Assert.False(await TicketIsStoredAsync(app, victim.StolenAuth!));
        thief.SetCookies(victim.StolenSession, victim.StolenAuth);
        using (var list = await thief.GetAsync("/api/sessions"))
        {
            await list.AssertErrorAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(JsonValueKind.Null, (await thief.SessionAsync()).GetProperty("username").ValueKind);
        using var page = await thief.GetAsync("/sessions");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task A_session_whose_ticket_is_gone_is_logged_out_while_the_session_cookie_alone_keeps_its_contract()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        var session = app.CookieValue!;
        var auth = app.AuthCookieValue!;

        // A script that kept only the session cookie sees the user, as before cookie authentication.
        Assert.Equal("alice", (await app.SessionWithCookieAsync(session)).GetProperty("username").GetString());

        // The ticket ends on its own (here: deleted from the store, as when it expires).
        var manager = app.Factory.Services.GetRequiredService<ISessionManager>();
        Assert.True(await manager.DeleteByStoreKeyAsync(StoreKeyOf(auth)));

        // The browser, holding both cookies, is logged out: the session is flushed and both cookies are dropped.
        using (var response = await app.GetAsync("/api/session"))
        {
            var body = await Http.SessionBodyAsync(response);
            Assert.Equal(JsonValueKind.Null, body.GetProperty("username").ValueKind);
            Assert.Equal("", response.SessionCookie()?.Value.Value);
            Assert.Equal("", AuthCookie(response)?.Value.Value);
        }

        Assert.Null(app.CookieValue);
        Assert.Null(app.AuthCookieValue);
        Assert.Equal(JsonValueKind.Null, (await app.SessionWithCookieAsync(session)).GetProperty("username").ValueKind);
    }

    private static SetCookieHeaderValue? AuthCookie(HttpResponseMessage response)
        => response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            ? SetCookieHeaderValue.ParseList([.. values]).LastOrDefault(c => c.Name == ShopApp.AuthCookieName)
            : null;

    private static async Task<bool> TicketIsStoredAsync(ShopApp app, string auth)
    {
        var manager = app.Factory.Services.GetRequiredService<ISessionManager>();
        return !(await manager.OpenByStoreKeyAsync(StoreKeyOf(auth))).IsNew;
    }

    // What the store files an id under: the SHA-256 of its 32 bytes, in hex.
    private static string StoreKeyOf(string id) => Convert.ToHexStringLower(SHA256.HashData(Base64Url.DecodeFromChars(id)));

    private static List<string> Handles(IReadOnlyList<JsonElement> devices)
        => devices.Select(d => d.GetProperty("handle").GetString()!).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex("""<li class="device" """)]
    private static partial Regex DeviceItem();

    [GeneratedRegex("""<span class="badge this-device">""")]
    private static partial Regex ThisDeviceBadge();

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="([^"]+)"|type="hidden" name="__RequestVerificationToken" value="([^"]+)"|name="__RequestVerificationToken" value="([^"]+)" """)]
    private static partial Regex AntiforgeryField();

    /// <summary>A browser of its own: a cookie jar, a user agent.</summary>
    private sealed class Device : IDisposable
    {
        private static readonly Uri BaseAddress = new("https://localhost/");
        private readonly CookieContainerHandler _jar = new();

        public Device(ShopApp app, string userAgent)
        {
            Client = app.Factory.CreateDefaultClient(BaseAddress, _jar);
            Client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }

        public HttpClient Client { get; }

        public string? Session => Cookie(ShopApp.CookieName);

        public string? Auth => Cookie(ShopApp.AuthCookieName);

        /// <summary>The cookies as they were right after the login (for replaying them after they were dropped).</summary>
        public string? StolenSession { get; private set; }

        public string? StolenAuth { get; private set; }

        public static async Task<Device> LoginAsync(ShopApp app, string userAgent, string username = "alice", string password = "wonderland")
        {
            var device = new Device(app, userAgent);
            using var response = await device.Client.SendAsync(Http.Request(HttpMethod.Post, "/api/login", Http.Json(new { username, password })));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            device.StolenSession = device.Session;
            device.StolenAuth = device.Auth;
            return device;
        }

        /// <summary>Replaces the jar's cookies by these values (<see langword="null"/>: none).</summary>
        public void SetCookies(string? session, string? auth)
        {
            foreach (System.Net.Cookie cookie in _jar.Container.GetCookies(BaseAddress))
            {
                cookie.Expired = true;
            }

            if (session is not null)
            {
                _jar.Container.Add(BaseAddress, new System.Net.Cookie(ShopApp.CookieName, session, "/") { Secure = true, HttpOnly = true });
            }

            if (auth is not null)
            {
                _jar.Container.Add(BaseAddress, new System.Net.Cookie(ShopApp.AuthCookieName, auth, "/") { Secure = true, HttpOnly = true });
            }
        }

        public Task<HttpResponseMessage> GetAsync(string url) => Client.GetAsync(new Uri(url, UriKind.Relative));

        public Task<HttpResponseMessage> PostAsync(string url) => Client.SendAsync(Http.Request(HttpMethod.Post, url, null));

        public async Task<JsonElement> SessionAsync()
        {
            using var response = await GetAsync("/api/session");
            return await Http.SessionBodyAsync(response);
        }

        public async Task<IReadOnlyList<JsonElement>> ListAsync()
        {
            using var response = await GetAsync("/api/sessions");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal("sessions", Assert.Single(body.EnumerateObject()).Name);
            return [.. body.GetProperty("sessions").EnumerateArray()];
        }

        /// <summary>The antiforgery token of the page's form (and its cookie, now in the jar).</summary>
        public async Task<string> AntiforgeryTokenAsync(string url)
        {
            using var page = await GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var match = AntiforgeryField().Match(await page.Content.ReadAsStringAsync());
            Assert.True(match.Success, "The page has no antiforgery token.");
            return match.Groups.Values.Skip(1).First(g => g.Success).Value;
        }

        /// <summary>Posts a form to a page, with a token of <c>/logout</c>'s form unless one (or <see langword="null"/>: none) is given.</summary>
        public async Task<HttpResponseMessage> PostFormAsync(string url, Dictionary<string, string> fields, string? token = "")
        {
            if (token == "")
            {
                token = await AntiforgeryTokenAsync("/logout");
            }

            if (token is not null)
            {
                fields["__RequestVerificationToken"] = token;
            }

            using var content = new FormUrlEncodedContent(fields);
            return await Client.PostAsync(new Uri(url, UriKind.Relative), content);
        }

        public void Dispose()
        {
            Client.Dispose();
            _jar.Dispose();
        }

        private string? Cookie(string name) => _jar.Container.GetCookies(BaseAddress)[name]?.Value;
    }
}
