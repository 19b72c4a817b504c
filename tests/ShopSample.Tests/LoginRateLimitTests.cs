using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ShopSample.Tests;

/// <summary>
/// Login attempts are rate-limited per client address (ASP.NET Core's rate limiter, a fixed window from
/// <c>Shop:LoginRateLimit</c>, default 10 a minute): beyond the limit 429 with <c>Retry-After</c> and <c>{"error"}</c>,
/// whatever the password. TestServer connections have no remote address, so they share one budget.
/// </summary>
public sealed partial class LoginRateLimitTests
{
    private const string WrongPassword = """{"username":"alice","password":"guess"}""";
    private const string RightPassword = """{"username":"alice","password":"wonderland"}""";

    private static async Task GuessAsync(ShopApp app, int times, HttpStatusCode expected = HttpStatusCode.Unauthorized)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await app.PostAsync("/api/login", WrongPassword);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    private static int RetryAfterSeconds(HttpResponseMessage response)
        => int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), NumberStyles.None, CultureInfo.InvariantCulture);

    [Fact]
    public async Task By_default_the_eleventh_attempt_in_a_minute_is_429_with_retry_after_even_with_the_right_password()
    {
        using var app = new ShopApp();
        await GuessAsync(app, 10);

        using (var limited = await app.PostAsync("/api/login", WrongPassword))
        {
            await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests);
            Assert.InRange(RetryAfterSeconds(limited), 1, 60);
        }

        using (var right = await app.PostAsync("/api/login", RightPassword))
        {
            await right.AssertErrorAsync(HttpStatusCode.TooManyRequests);
            Assert.InRange(RetryAfterSeconds(right), 1, 60);
            right.AssertNoSetCookie();
        }

        Assert.Null(app.CookieValue);
        Assert.Equal(JsonValueKind.Null, (await app.SessionAsync()).GetProperty("username").ValueKind);

        // Only logins are limited.
        using var cart = await app.PostAsync("/api/cart", """{"sku":"tea","qty":1}""");
        Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
    }

    [Fact]
    public async Task The_limit_and_window_come_from_configuration_and_the_window_ends()
    {
        using var app = new ShopApp(settings: new Dictionary<string, string?>
        {
            ["Shop:LoginRateLimit:PermitLimit"] = "2",
            ["Shop:LoginRateLimit:WindowSeconds"] = "5",
        });

        // Five seconds: the two guesses and the third attempt fit in one window however slow the machine is.
        await GuessAsync(app, 2);

        using (var limited = await app.PostAsync("/api/login", RightPassword))
        {
            await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests);
            Assert.InRange(RetryAfterSeconds(limited), 1, 5);
        }

        // The limiter's window runs on the real clock.
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        await app.LoginAsync();
        Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());
    }

    [Fact]
    public async Task The_login_form_shares_the_budget_and_answers_429_in_text()
    {
        using var app = new ShopApp();
        await GuessAsync(app, 10);

        using var form = new FormUrlEncodedContent([new("username", "alice"), new("password", "wonderland")]);
        using var limited = await app.Browser.PostAsync("/login", form);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("text/plain", limited.Content.Headers.ContentType?.MediaType);
        Assert.InRange(RetryAfterSeconds(limited), 1, 60);

        // Showing the form is not an attempt.
        using var page = await app.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Posts_to_the_login_form_count_too()
    {
        using var app = new ShopApp();
        for (var i = 0; i < 10; i++)
        {
            // Without an antiforgery token: refused by Razor Pages, but counted first.
            using var form = new FormUrlEncodedContent([new("username", "alice"), new("password", "guess")]);
            using var response = await app.Browser.PostAsync("/login", form);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var api = await app.PostAsync("/api/login", RightPassword);
        await api.AssertErrorAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Cross_site_attempts_do_not_use_up_the_budget()
    {
        // Another site's page cannot lock its visitors out by making their browsers post logins.
        using var app = new ShopApp();
        for (var i = 0; i < 20; i++)
        {
            using var request = Http.Request(HttpMethod.Post, "/api/login", WrongPassword);
            request.Headers.Add("Origin", "https://evil.example");
            using var response = await app.Browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

            // The form too: refused (here by antiforgery, as the post has no token) and not counted.
            using var form = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("username", "alice"), new("password", "guess")]) };
            form.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var page = await app.Browser.SendAsync(form);
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        }

        await app.LoginAsync();
    }

    [Fact]
    public async Task Each_client_address_has_its_own_budget()
    {
        // TestServer has no remote address; this test gives each request the one named in a test header.
        using var app = new ShopApp(services: services => services.AddSingleton<IStartupFilter, TestRemoteAddress>());
        await GuessAsync(app, 10);

        using var limited = await app.PostAsync("/api/login", RightPassword);
        await limited.AssertErrorAsync(HttpStatusCode.TooManyRequests);

        using var request = Http.Request(HttpMethod.Post, "/api/login", RightPassword);
        request.Headers.Add(TestRemoteAddress.Header, "203.0.113.7");
        using var other = await app.Browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task The_login_form_refuses_a_cross_site_post_even_with_a_valid_antiforgery_token_so_uncounted_posts_never_check_a_password()
    {
        using var app = new ShopApp();
        var token = await AntiforgeryTokenAsync(app);
        var form = $"username=alice&password=wonderland&__RequestVerificationToken={Uri.EscapeDataString(token)}";

        using (var refused = await PostFormAsync(app, form, null, "cross-site"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            refused.AssertNoSetCookie();
        }

        Assert.Equal(JsonValueKind.Null, (await app.SessionAsync()).GetProperty("username").ValueKind);

        using var allowed = await PostFormAsync(app, form, "https://localhost", "same-origin");
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());
    }

    private static async Task<string> AntiforgeryTokenAsync(ShopApp app)
    {
        using var page = await app.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var match = TokenField().Match(await page.Content.ReadAsStringAsync());
        Assert.True(match.Success, "The login form carries an antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(ShopApp app, string form, string? origin, string? fetchSite)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return await app.Browser.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>Sets <c>Connection.RemoteIpAddress</c> from <see cref="Header"/> (else 192.0.2.1) before the app's pipeline.</summary>
    private sealed class TestRemoteAddress : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[Header].FirstOrDefault() ?? "192.0.2.1");
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
