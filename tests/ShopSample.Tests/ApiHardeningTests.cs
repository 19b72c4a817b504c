using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ShopSample.Tests;

/// <summary>
/// What a hostile client (or a hostile page in the user's browser) can send the API: bodies not declared as JSON
/// (415), cross-site state changes (403, RequireSameOrigin), malformed UTF-8 and Unicode (400), unknown paths and
/// methods (404/405) — every answer a <c>{"error"}</c>, and none of them changes the session or sets a cookie.
/// </summary>
public sealed class ApiHardeningTests(SharedShopApp shared) : IClassFixture<SharedShopApp>
{
    private const string Evil = "https://evil.example";

    /// <summary>The JSON endpoints with a body each would accept.</summary>
    public static TheoryData<string, string, string> JsonEndpoints => new()
    {
        { "POST", "/api/login", """{"username":"alice","password":"wonderland"}""" },
        { "POST", "/api/cart", """{"sku":"tea","qty":2}""" },
        { "PUT", "/api/theme", """{"theme":"light"}""" },
        { "PUT", "/api/expiry", """{"browserClose":true}""" },
    };

    /// <summary>Every state-changing endpoint, with a body it would accept (or none).</summary>
    private static readonly (string Method, string Url, string? Body)[] StateChanging =
    [
        ("POST", "/api/login", """{"username":"alice","password":"wonderland"}"""),
        ("POST", "/api/logout", null),
        ("POST", "/api/logout-everywhere", null),
        ("POST", "/api/cart", """{"sku":"cake","qty":2}"""),
        ("DELETE", "/api/cart", null),
        ("POST", "/api/counters/visits", null),
        ("PUT", "/api/theme", """{"theme":"light"}"""),
        ("PUT", "/api/expiry", """{"browserClose":true}"""),
    ];

    public static TheoryData<string, string, string?> StateChangingEndpoints()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var (method, url, body) in StateChanging)
        {
            data.Add(method, url, body);
        }

        return data;
    }

    public static TheoryData<string, string, string?, string?, string?> CrossSiteRequests()
    {
        var data = new TheoryData<string, string, string?, string?, string?>();
        foreach (var (method, url, body) in StateChanging)
        {
            data.Add(method, url, body, Evil, null);
            data.Add(method, url, body, "null", null);
            data.Add(method, url, body, null, "cross-site");
            data.Add(method, url, body, null, "same-site");
        }

        return data;
    }

    private static HttpRequestMessage Request(string method, string url, byte[]? body, string? contentType, string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        }

        return request;
    }

    private static Task<HttpResponseMessage> SendAsync(ShopApp app, string method, string url, string? json, string? contentType = "application/json", string? origin = null, string? fetchSite = null)
        => app.Browser.SendAsync(Request(method, url, json is null ? null : Encoding.UTF8.GetBytes(json), contentType, origin, fetchSite));

    /// <summary>Bob is logged in with a cart line, a theme, a counter and a second device; returns the session as JSON text.</summary>
    private static async Task<(string Session, string SecondDevice)> LoggedInAsBobAsync(ShopApp app)
    {
        await app.StartSessionAsync();
        await app.LoginAsync("bob", "builder");
        using (var counter = await app.PostAsync("/api/counters/visits"))
        using (var theme = await app.PutAsync("/api/theme", """{"theme":"dark"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, counter.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, theme.StatusCode);
        }

        using var secondDevice = Http.Request(HttpMethod.Post, "/api/login", """{"username":"bob","password":"builder"}""");
        using var second = await app.Raw.SendAsync(secondDevice);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        return ((await app.SessionAsync()).GetRawText(), second.SessionCookie()!.Value.Value!);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Json_endpoints_refuse_a_body_not_declared_as_application_json_with_415(string method, string url, string json)
    {
        // The class's shared app, a new visitor (no cookie) per content type.
        var app = shared.NewVisitor();
        foreach (var contentType in new string?[]
        {
            null,
            "text/plain",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/json",
            "application/jsonp",
            "application/problem+json",
            "application/json; charset=utf-16",
            "application/json; charset=iso-8859-1",
            "application/json, text/plain",
        })
        {
            app.ForgetCookies();
            var cookie = await app.StartSessionAsync();
            var before = (await app.SessionAsync()).GetRawText();

            using var response = await SendAsync(app, method, url, json, contentType);

            await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType);
            response.AssertNoSetCookie();
            Assert.Equal(cookie, app.CookieValue);
            Assert.Equal(before, (await app.SessionAsync()).GetRawText());
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Json_endpoints_refuse_a_request_without_body_or_content_type_with_415(string method, string url, string json)
    {
        _ = json;
        using var app = new ShopApp();

        using var response = await app.SendAsync(new HttpMethod(method), url);

        await response.AssertErrorAsync(HttpStatusCode.UnsupportedMediaType);
        response.AssertNoSetCookie();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("Application/JSON")]
    [InlineData("APPLICATION/JSON; CHARSET=UTF-8")]
    [InlineData("application/json; version=1")]
    public async Task Application_json_with_any_letter_case_and_parameters_is_accepted(string contentType)
    {
        using var app = new ShopApp();

        using var response = await SendAsync(app, "POST", "/api/login", """{"username":"alice","password":"wonderland"}""", contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", (await app.SessionAsync()).GetProperty("username").GetString());
    }

    [Theory]
    [MemberData(nameof(CrossSiteRequests))]
    public async Task Cross_site_state_changes_are_refused_with_403_and_change_nothing(string method, string url, string? json, string? origin, string? fetchSite)
    {
        var app = shared.NewVisitor();
        var (before, secondDevice) = await LoggedInAsBobAsync(app);
        var cookie = app.CookieValue;

        using var response = await SendAsync(app, method, url, json, origin: origin, fetchSite: fetchSite);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden);
        response.AssertNoSetCookie();
        Assert.Equal(cookie, app.CookieValue);
        Assert.Equal(before, (await app.SessionAsync()).GetRawText());
        Assert.Equal("bob", (await app.SessionWithCookieAsync(secondDevice)).GetProperty("username").GetString());
    }

    [Theory]
    [MemberData(nameof(StateChangingEndpoints))]
    public async Task Same_origin_browser_requests_and_clients_without_origin_headers_are_served(string method, string url, string? json)
    {
        var app = shared.NewVisitor();
        foreach (var (origin, fetchSite) in new (string?, string?)[] { ("https://localhost", "same-origin"), ("https://localhost", null), (null, "same-origin"), (null, null) })
        {
            app.ForgetCookies();
            await LoggedInAsBobAsync(app);

            using var response = await SendAsync(app, method, url, json, origin: origin, fetchSite: fetchSite);

            Assert.True(response.IsSuccessStatusCode, $"{method} {url} with Origin {origin} and Sec-Fetch-Site {fetchSite}: {response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("text/plain", Evil, null)]
    [InlineData("text/plain", null, "cross-site")]
    [InlineData("application/x-www-form-urlencoded", Evil, "cross-site")]
    [InlineData("application/json", Evil, null)]
    [InlineData("application/json", null, "same-site")]
    public async Task A_login_forged_by_another_site_signs_nobody_in_and_sets_no_cookie(string contentType, string? origin, string? fetchSite)
    {
        // Login CSRF: the attacker's page makes the victim's browser log in to the attacker's account.
        using var app = new ShopApp();

        using (var response = await SendAsync(app, "POST", "/api/login", """{"username":"alice","password":"wonderland"}""", contentType, origin, fetchSite))
        {
            await response.AssertErrorAsync(HttpStatusCode.Forbidden);
            response.AssertNoSetCookie();
        }

        Assert.Null(app.CookieValue);
        Assert.Equal(JsonValueKind.Null, (await app.SessionAsync()).GetProperty("username").ValueKind);

        // With an anonymous session in the browser, it stays anonymous and keeps its id.
        var cookie = await app.StartSessionAsync();
        using (var response = await SendAsync(app, "POST", "/api/login", """{"username":"alice","password":"wonderland"}""", contentType, origin, fetchSite))
        {
            await response.AssertErrorAsync(HttpStatusCode.Forbidden);
            response.AssertNoSetCookie();
        }

        Assert.Equal(cookie, app.CookieValue);
        Assert.Equal(JsonValueKind.Null, (await app.SessionAsync()).GetProperty("username").ValueKind);
    }

    [Fact]
    public async Task A_cross_site_form_post_to_logout_everywhere_is_refused()
    {
        using var app = new ShopApp();
        var (_, secondDevice) = await LoggedInAsBobAsync(app);

        using var response = await SendAsync(app, "POST", "/api/logout-everywhere", "confirm=yes", "application/x-www-form-urlencoded", Evil);

        await response.AssertErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal("bob", (await app.SessionAsync()).GetProperty("username").GetString());
        Assert.Equal("bob", (await app.SessionWithCookieAsync(secondDevice)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task Reading_the_session_is_never_refused()
    {
        using var app = new ShopApp();
        await app.LoginAsync();

        using var response = await SendAsync(app, "GET", "/api/session", null, origin: Evil, fetchSite: "cross-site");

        Assert.Equal("alice", (await Http.SessionBodyAsync(response)).GetProperty("username").GetString());
    }

    /// <summary>Bodies with bytes that are not UTF-8, or escapes that are not Unicode, for each JSON endpoint.</summary>
    public static TheoryData<string, string, byte[]> MalformedUnicode()
    {
        var data = new TheoryData<string, string, byte[]>();
        static byte[] Bytes(string before, byte[] middle, string after) => [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];
        byte[][] invalid =
        [
            [0xFF],
            [0xC0, 0xAF],             // overlong "/"
            [0xED, 0xA0, 0x80],       // an encoded surrogate
            [0xE2, 0x82],             // truncated sequence
            [0x80],                   // lone continuation byte
            [0xF4, 0x90, 0x80, 0x80], // beyond U+10FFFF
        ];
        foreach (var bytes in invalid)
        {
            data.Add("POST", "/api/login", Bytes("""{"username":"alice","password":"won""", bytes, "\"}"));
            data.Add("POST", "/api/login", Bytes("{\"", bytes, "\":\"x\",\"username\":\"alice\",\"password\":\"wonderland\"}"));
            data.Add("POST", "/api/cart", Bytes("""{"sku":"t""", bytes, "\",\"qty\":1}"));
            data.Add("PUT", "/api/theme", Bytes("""{"theme":"dark""", bytes, "\"}"));
            data.Add("PUT", "/api/expiry", Bytes("""{"at":"2030""", bytes, "\"}"));
        }

        foreach (var escape in new[] { @"\ud800", @"\udfff", @"\ud800\ud800", @"\ud800x" })
        {
            data.Add("POST", "/api/login", Encoding.UTF8.GetBytes($$"""{"username":"alice","password":"{{escape}}"}"""));
            data.Add("POST", "/api/login", Encoding.UTF8.GetBytes($$"""{"{{escape}}":1,"username":"alice","password":"wonderland"}"""));
            data.Add("POST", "/api/cart", Encoding.UTF8.GetBytes($$"""{"sku":"{{escape}}","qty":1}"""));
            data.Add("PUT", "/api/theme", Encoding.UTF8.GetBytes($$"""{"theme":"{{escape}}"}"""));
            data.Add("PUT", "/api/expiry", Encoding.UTF8.GetBytes($$"""{"at":"{{escape}}"}"""));
            data.Add("PUT", "/api/expiry", Encoding.UTF8.GetBytes($$"""{"{{escape}}":true}"""));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedUnicode))]
    public async Task Invalid_utf8_or_unpaired_surrogates_are_400_never_500(string method, string url, byte[] body)
    {
        var app = shared.NewVisitor();
        var cookie = await app.StartSessionAsync();
        var before = (await app.SessionAsync()).GetRawText();

        using var response = await app.Browser.SendAsync(Request(method, url, body, "application/json"));

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
        Assert.Equal(cookie, app.CookieValue);
        Assert.Equal(before, (await app.SessionAsync()).GetRawText());
    }

    [Fact]
    public async Task A_surrogate_pair_escape_is_valid_unicode_and_accepted()
    {
        using var app = new ShopApp();

        using var response = await app.PostAsync("/api/cart", """{"sku":"\ud83c\udf75","qty":1}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\U0001F375", (await app.SessionAsync()).GetProperty("cart")[0].GetProperty("sku").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/nope")]
    [InlineData("POST", "/api/nope")]
    [InlineData("DELETE", "/api/nope/deeper")]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/API/NOPE")]
    [InlineData("POST", "/api/counters/a/b")]
    public async Task Unknown_api_paths_are_404_with_an_error_body(string method, string url)
    {
        using var app = new ShopApp();

        using var response = await app.SendAsync(new HttpMethod(method), url);

        await response.AssertErrorAsync(HttpStatusCode.NotFound);
        response.AssertNoSetCookie();
    }

    [Theory]
    [InlineData("GET", "/api/login", "POST")]
    [InlineData("GET", "/api/logout-everywhere", "POST")]
    [InlineData("PUT", "/api/cart", "DELETE, POST")]
    [InlineData("PATCH", "/api/cart", "DELETE, POST")]
    [InlineData("DELETE", "/api/session", "GET")]
    [InlineData("POST", "/api/theme", "PUT")]
    [InlineData("GET", "/api/expiry", "PUT")]
    public async Task Other_methods_on_api_paths_are_405_with_allow_and_an_error_body(string method, string url, string allow)
    {
        using var app = new ShopApp();

        using var response = await app.SendAsync(new HttpMethod(method), url);

        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow.Split(", "), response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        response.AssertNoSetCookie();
    }

    [Theory]
    [InlineData("GET", "/nope", HttpStatusCode.NotFound)]
    [InlineData("GET", "/apix", HttpStatusCode.NotFound)]
    [InlineData("POST", "/health", HttpStatusCode.MethodNotAllowed)]
    public async Task Other_paths_keep_their_empty_answers(string method, string url, HttpStatusCode status)
    {
        using var app = new ShopApp();

        using var response = await app.SendAsync(new HttpMethod(method), url);

        Assert.Equal(status, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
