using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Security;

/// <summary>
/// <see cref="SameOriginFilter"/> (<c>RequireSameOrigin()</c>) through the real pipeline: state-changing requests that a
/// browser reports as cross-site (<c>Sec-Fetch-Site</c>) or whose <c>Origin</c> is not the app's own are refused with
/// 403 <c>{"error"}</c> before the handler runs; safe methods and requests without either header pass.
/// </summary>
public sealed class SameOriginTests
{
    private const string Own = "https://localhost";

    private static Task<TestApp> StartAsync() => TestApp.StartAsync(app =>
    {
        // A handler that writes the session, so a refusal is visible as "nothing stored, no cookie".
        var api = app.MapGroup("/api").RequireSameOrigin();
        api.MapPost("/write", (HttpContext c) =>
        {
            c.GetSession().Set("written", "yes");
            return Results.Text("written");
        });
        api.MapPut("/write", (HttpContext c) =>
        {
            c.GetSession().Set("written", "yes");
            return Results.Text("written");
        });
        api.MapDelete("/write", (HttpContext c) =>
        {
            c.GetSession().Set("written", "yes");
            return Results.Text("written");
        });
        api.MapPatch("/write", (HttpContext c) =>
        {
            c.GetSession().Set("written", "yes");
            return Results.Text("written");
        });
        api.MapMethods("/read", ["GET", "HEAD", "OPTIONS"], (HttpContext c) => c.GetSession().Get<string>("written") ?? "none");

        // One endpoint on its own, with the app's own answer.
        app.MapPost("/custom", () => Results.Text("written"))
            .RequireSameOrigin((_, reason) => Results.Problem(reason, statusCode: StatusCodes.Status400BadRequest));

        // Outside the group: not covered.
        app.MapPost("/open", () => Results.Text("written"));
    });

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, HttpMethod method, string url, string? origin = null, string? fetchSite = null)
    {
        using var client = app.Server.CreateClient();
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Absolute));
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        }

        return await client.SendAsync(request);
    }

    private static async Task AssertWrittenAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("written", await response.Content.ReadAsStringAsync());
        Assert.NotNull(SessionClient.SetCookie(response));
    }

    private static async Task AssertRefusedAsync(TestApp app, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = Assert.Single(body.RootElement.EnumerateObject());
        Assert.Equal("error", error.Name);
        Assert.False(string.IsNullOrWhiteSpace(error.Value.GetString()));

        // The handler never ran: nothing stored, no session cookie.
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(0, app.Store.Calls("create") + app.Store.Calls("save"));
    }

    [Theory]
    [InlineData(null, "same-origin")]
    [InlineData(null, "none")]
    [InlineData(Own, "same-origin")]
    [InlineData(Own, null)]
    [InlineData("https://localhost:443", null)]
    [InlineData("HTTPS://LOCALHOST", null)]
    public async Task Same_origin_requests_pass(string? origin, string? fetchSite)
    {
        await using var app = await StartAsync();

        using var response = await SendAsync(app, HttpMethod.Post, Own + "/api/write", origin, fetchSite);

        await AssertWrittenAsync(response);
    }

    [Fact]
    public async Task The_own_origin_is_the_requests_scheme_host_and_port()
    {
        await using var app = await StartAsync();

        using (var plain = await SendAsync(app, HttpMethod.Post, "http://localhost:8080/api/write", "http://localhost:8080"))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using var other = await SendAsync(app, HttpMethod.Post, "http://localhost:8080/api/write", Own);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Requests_without_origin_or_sec_fetch_site_pass()
    {
        await using var app = await StartAsync();

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            using var response = await SendAsync(app, method, Own + "/api/write");
            await AssertWrittenAsync(response);
        }
    }

    [Theory]
    [InlineData("cross-site", null)]
    [InlineData("cross-site", Own)]
    [InlineData("same-site", null)]
    [InlineData("same-site", Own)]
    [InlineData("Same-Origin", null)]
    [InlineData("same-origin, cross-site", null)]
    public async Task Sec_fetch_site_other_than_same_origin_or_none_is_refused_whatever_the_origin(string fetchSite, string? origin)
    {
        await using var app = await StartAsync();

        using var response = await SendAsync(app, HttpMethod.Post, Own + "/api/write", origin, fetchSite);

        await AssertRefusedAsync(app, response);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://shop.localhost")]
    [InlineData("https://localhost:8443")]
    [InlineData("http://localhost")]
    [InlineData("http://localhost:443")]
    [InlineData("null")]
    public async Task An_origin_of_another_host_port_or_scheme_or_null_is_refused(string origin)
    {
        await using var app = await StartAsync();

        using var response = await SendAsync(app, HttpMethod.Post, Own + "/api/write", origin);

        await AssertRefusedAsync(app, response);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("//localhost")]
    [InlineData("https://")]
    [InlineData("https://localhost/")]
    [InlineData("https://localhost/api/write")]
    [InlineData("https://localhost?x=1")]
    [InlineData("https://localhost#x")]
    [InlineData("https://user@localhost")]
    [InlineData("https://localhost:")]
    [InlineData("https://localhost:abc")]
    [InlineData("https://localhost:1234567")]
    [InlineData("https://[::1")]
    [InlineData("https://localhost https://localhost")]
    [InlineData("https://localhost, https://localhost")]
    public async Task A_malformed_origin_is_refused(string origin)
    {
        await using var app = await StartAsync();

        using var response = await SendAsync(app, HttpMethod.Post, Own + "/api/write", origin);

        await AssertRefusedAsync(app, response);
    }

    [Fact]
    public async Task Two_origin_headers_are_refused()
    {
        await using var app = await StartAsync();
        using var client = app.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Own + "/api/write"));
        request.Headers.TryAddWithoutValidation("Origin", [Own, Own]);

        using var response = await client.SendAsync(request);

        await AssertRefusedAsync(app, response);
    }

    [Fact]
    public async Task Every_state_changing_method_is_checked()
    {
        await using var app = await StartAsync();

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            using var response = await SendAsync(app, method, Own + "/api/write", "https://evil.example", "cross-site");
            await AssertRefusedAsync(app, response);
        }
    }

    [Fact]
    public async Task Safe_methods_are_never_refused()
    {
        await using var app = await StartAsync();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head, HttpMethod.Options })
        {
            using var response = await SendAsync(app, method, Own + "/api/read", "https://evil.example", "cross-site");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_app_can_choose_the_answer()
    {
        await using var app = await StartAsync();

        using var refused = await SendAsync(app, HttpMethod.Post, Own + "/custom", "https://evil.example");
        using var allowed = await SendAsync(app, HttpMethod.Post, Own + "/custom", Own);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Endpoints_outside_the_group_are_not_covered()
    {
        await using var app = await StartAsync();

        using var response = await SendAsync(app, HttpMethod.Post, Own + "/open", "https://evil.example", "cross-site");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", null, null, false)]
    [InlineData("POST", "cross-site", null, true)]
    [InlineData("POST", null, "https://evil.example", true)]
    [InlineData("POST", null, "https://localhost", false)]
    [InlineData("DELETE", "same-site", null, true)]
    [InlineData("GET", "cross-site", "null", false)]
    [InlineData("TRACE", "cross-site", "null", false)]
    [InlineData("POST", "", null, true)] // empty headers: the test client does not send them, so they are checked here
    [InlineData("POST", null, "", true)]
    public void IsRefused_applies_the_rule_to_any_request(string method, string? fetchSite, string? origin, bool refused)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("localhost");
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(refused, SameOriginFilter.IsRefused(context.Request, out var reason));
        Assert.Equal(refused, reason is not null);
    }
}
