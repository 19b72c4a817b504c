using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using TypedSessions.Ids;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Security;

/// <summary>
/// Cookie attributes on every cookie the library sends (not only the first), the __Host- prefix,
/// and "only the cookie carries the id". Default attributes on a new session are in
/// Integration/CookieAndLoadingTests.A_first_write_creates_the_session_with_a_secure_cookie; the
/// prefix being dropped for Path=/shop in Integration/ConfigurationTests.
/// </summary>
public sealed partial class CookieSecurityTests
{
    [Fact]
    public async Task Every_cookie_sent_over_a_lifecycle_has_the_secure_attributes_and_no_store()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        var steps = new[] { "/set?key=a&value=1", "/expiry/relative?seconds=600", "/login?user=alice", "/expiry/reset", "/logout" };

        foreach (var step in steps)
        {
            var response = await client.PostAsync(step);
            var header = SessionClient.SetCookie(response);
            Assert.True(header is not null, step + " sent no cookie");
            AssertSecureAttributes(header);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task The_cookie_value_is_exactly_the_43_character_id_and_nothing_else()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();

        var response = await client.PostAsync("/login?user=alice");

        var header = SessionClient.SetCookie(response)!;
        var value = header[(SessionClient.CookieName.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)];
        Assert.Matches(IdPattern(), value);
        Assert.True(SessionId.TryParse(value, out _));
        Assert.DoesNotContain("alice", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secure_and_the_host_prefix_are_kept_on_plain_http()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var http = app.Server.CreateClient();

        var response = await http.PostAsync(new Uri("http://localhost/set?key=a&value=1"), null);

        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        AssertSecureAttributes(header);
    }

    [Fact]
    public async Task SameSite_strict_is_honoured()
    {
        await using var app = await SecurityEndpoints.StartAsync(o => o.Cookie.SameSite = SameSiteMode.Strict);
        using var client = app.CreateClient();

        var header = SessionClient.SetCookie(await client.PostAsync("/set?key=a&value=1"))!;

        Assert.Contains("; samesite=strict", header, StringComparison.Ordinal);
        Assert.StartsWith("__Host-", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("domain")]
    [InlineData("same-as-request")]
    public async Task The_host_prefix_is_dropped_whenever_the_cookie_does_not_qualify(string weakening)
    {
        await using var app = await SecurityEndpoints.StartAsync(o =>
        {
            if (weakening == "domain")
            {
                o.Cookie.Domain = "example.com";
            }
            else
            {
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        });
        using var http = app.Server.CreateClient();

        var response = await http.PostAsync(new Uri("http://localhost/set?key=a&value=1"), null);

        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("session=", header, StringComparison.Ordinal);
        if (weakening == "domain")
        {
            Assert.Contains("domain=example.com", header, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("secure", header, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_live_id_in_a_cookie_without_the_host_prefix_is_ignored()
    {
        // A sibling subdomain can toss "session=..." at the browser but never "__Host-session=...".
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/login?user=alice");
        var live = client.Cookie!;
        app.Store.Reset();

        using var request = new HttpRequestMessage(HttpMethod.Get, "https://localhost/whoami");
        request.Headers.Add("Cookie", "session=" + live);
        var response = await app.Server.CreateClient().SendAsync(request);

        Assert.Equal("anonymous", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, app.Store.TotalCalls);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("header")]
    [InlineData("authorization")]
    [InlineData("form")]
    public async Task A_live_id_outside_the_cookie_is_never_used(string carrier)
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/login?user=alice");
        var live = client.Cookie!;
        app.Store.Reset();

        using var request = carrier switch
        {
            "query" => new HttpRequestMessage(HttpMethod.Get, $"https://localhost/whoami?session={live}&__Host-session={live}&sessionid={live}"),
            "form" => new HttpRequestMessage(HttpMethod.Post, "https://localhost/whoami")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["session"] = live, ["__Host-session"] = live }),
            },
            _ => new HttpRequestMessage(HttpMethod.Get, "https://localhost/whoami"),
        };
        if (carrier == "header")
        {
            request.Headers.Add("X-Session-Id", live);
            request.Headers.Add("__Host-session", live);
        }
        else if (carrier == "authorization")
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + live);
        }

        var response = await app.Server.CreateClient().SendAsync(request);

        if (carrier != "form")
        {
            Assert.Equal("anonymous", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, app.Store.TotalCalls);
        Assert.Null(SessionClient.SetCookie(response));
    }

    [Fact]
    public async Task Responses_that_read_the_session_vary_on_cookie_and_those_that_set_it_are_not_stored()
    {
        await using var app = await SecurityEndpoints.StartAsync();
        using var client = app.CreateClient();

        var login = await client.PostAsync("/login?user=alice");
        var read = await client.GetAsync("/whoami");

        Assert.Equal("no-store", login.Headers.CacheControl?.ToString());
        Assert.Contains("Cookie", login.Headers.Vary);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("Cookie", read.Headers.Vary);
    }

    private static void AssertSecureAttributes(string header)
    {
        Assert.StartsWith("__Host-session=", header, StringComparison.Ordinal);
        Assert.Matches("; path=/(;|$)", header);
        Assert.Contains("; secure", header, StringComparison.Ordinal);
        Assert.Contains("; httponly", header, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", header, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", header, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex IdPattern();
}
