using System.Net;
using TypedSessions.Ids;

namespace TypedSessions.Tests.Integration;

public sealed class CookieAndLoadingTests
{
    [Fact]
    public async Task An_untouched_anonymous_request_sets_no_cookie_and_does_no_store_io()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/noop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(0, app.Store.TotalCalls);
        Assert.DoesNotContain("Cookie", response.Headers.Vary);
    }

    [Fact]
    public async Task An_anonymous_read_does_no_store_io_sets_no_cookie_and_varies_on_cookie()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        Assert.Equal("(none)", await client.GetStringAsync("/read?key=name"));

        Assert.Null(SessionClient.SetCookie(client.Last!));
        Assert.Equal(0, app.Store.TotalCalls);
        Assert.Contains("Cookie", client.Last!.Headers.Vary);
    }

    [Fact]
    public async Task A_first_write_creates_the_session_with_a_secure_cookie()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/set?key=name&value=alice");

        var header = SessionClient.SetCookie(response);
        Assert.NotNull(header);
        Assert.StartsWith("__Host-session=", header, StringComparison.Ordinal);
        Assert.Contains("; path=/", header, StringComparison.Ordinal);
        Assert.Contains("; secure", header, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", header, StringComparison.Ordinal);
        Assert.Contains("; httponly", header, StringComparison.Ordinal);
        Assert.Contains("; max-age=28800", header, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", header, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.True(SessionId.TryParse(client.Cookie, out _));
        Assert.Equal(1, app.Store.Calls("create"));
        Assert.Equal(1, app.Store.TotalCalls);

        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task A_read_with_a_cookie_makes_exactly_one_store_call_and_writes_nothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();

        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));

        Assert.Equal(1, app.Store.Calls("load"));
        Assert.Equal(1, app.Store.TotalCalls);
        Assert.Null(SessionClient.SetCookie(client.Last!));
        Assert.Null(client.Last!.Headers.CacheControl);
    }

    [Fact]
    public async Task A_write_to_an_existing_session_is_one_load_and_one_save_without_a_new_cookie()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();

        var response = await client.PostAsync("/set?key=name&value=bob");

        Assert.Equal(1, app.Store.Calls("load"));
        Assert.Equal(1, app.Store.Calls("save"));
        Assert.Equal(2, app.Store.TotalCalls);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal("bob", await client.GetStringAsync("/read?key=name"));
    }

    [Fact]
    public async Task Eager_mode_loads_once_even_when_the_endpoint_ignores_the_session()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();

        await client.GetStringAsync("/noop");

        Assert.Equal(1, app.Store.Calls("load"));
        Assert.Equal(1, app.Store.TotalCalls);
    }

    [Fact]
    public async Task On_demand_mode_does_no_store_io_for_a_request_that_never_asks()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.LoadMode = SessionLoadMode.OnDemand);
        using var client = app.CreateClient();
        await client.PostAsync("/bound-set?value=alice");
        app.Store.Reset();

        await client.GetStringAsync("/noop");
        Assert.Equal(0, app.Store.TotalCalls);

        Assert.Equal("alice", await client.GetStringAsync("/bound"));
        Assert.Equal(1, app.Store.TotalCalls);
    }

    [Fact]
    public async Task On_demand_mode_refuses_a_synchronous_read_of_an_unloaded_session_with_guidance()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.LoadMode = SessionLoadMode.OnDemand);
        using var client = app.CreateClient();
        await client.PostAsync("/bound-set?value=alice");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/read?key=name"));

        Assert.Contains("LoadSessionAsync", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_without_session_endpoint_does_no_store_io_sets_no_cookie_and_refuses_access()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Store.Reset();

        var response = await client.GetAsync("/health");
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(0, app.Store.TotalCalls);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/health-touch"));
        Assert.Contains("WithoutSession", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, app.Store.TotalCalls);
    }

    [Fact]
    public async Task Establishing_a_session_after_the_response_started_is_a_clear_error()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        var response = await client.PostAsync("/late-write");
        var body = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("started;", body, StringComparison.Ordinal);
        Assert.Contains("response has already started", body, StringComparison.Ordinal);
        Assert.Null(SessionClient.SetCookie(response));
        Assert.Equal(0, app.Store.TotalCalls);
    }

    [Fact]
    public async Task A_failing_endpoint_commits_nothing()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.PostAsync("/throw"));

        Assert.Equal(0, app.Store.Calls("create"));
        Assert.Equal(0, app.Store.Calls("save"));
    }

    [Fact]
    public async Task Vary_cookie_is_added_once_when_the_session_is_accessed()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();

        await client.PostAsync("/set?key=a&value=1");

        Assert.Single(client.Last!.Headers.Vary, v => v == "Cookie");
    }
}
