using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Tests.Integration;

/// <summary>
/// MVC TempData over <c>AddSessionStateTempDataProvider()</c>, on TypedSessions' <c>HttpContext.Session</c>, through the
/// real pipeline (the provider and the TempData dictionary are MVC's own; endpoints drive them as a controller would).
/// </summary>
public abstract class TempDataTests(TestStore store) : IAsyncLifetime
{
    private readonly TestStores _stores = new(store);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _stores.CleanUpAsync();

    // A request that loads TempData, then waits here before it saves (the race tests).
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<TestApp> StartAsync(Action<TypedSessionOptions>? configure = null) => await TestApp.StartAsync(
        app =>
        {
            app.MapGet("/read-slow", async (HttpContext c) =>
            {
                var tempData = TempData(c);
                var value = tempData["message"] as string ?? "(none)";
                _loaded.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30));
                tempData.Save();
                return value;
            });
            app.MapPost("/set", (HttpContext c, string value) =>
            {
                var tempData = TempData(c);
                tempData["message"] = value;
                tempData.Save();
            });
            app.MapGet("/read", (HttpContext c) =>
            {
                var tempData = TempData(c);
                var value = tempData["message"] as string ?? "(none)";
                tempData.Save();
                return value;
            });
            app.MapGet("/peek", (HttpContext c) =>
            {
                var tempData = TempData(c);
                var value = tempData.Peek("message") as string ?? "(none)";
                tempData.Save();
                return value;
            });
            app.MapGet("/read-keep", (HttpContext c) =>
            {
                var tempData = TempData(c);
                var value = tempData["message"] as string ?? "(none)";
                tempData.Keep("message");
                tempData.Save();
                return value;
            });
            app.MapGet("/raw-key", (HttpContext c) => c.GetSession().ContainsKey("__ControllerTempData") ? "present" : "absent");
            app.MapControllers();
        },
        configure,
        store: await _stores.FactoryAsync(),
        services: s => s.AddControllersWithViews().AddApplicationPart(typeof(FlashController).Assembly).AddSessionStateTempDataProvider());

    private static ITempDataDictionary TempData(HttpContext context)
        => context.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(context);

    [Fact]
    public async Task A_message_set_in_one_request_is_read_once_in_the_next_and_gone_in_the_third()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/set?value=saved");
        Assert.Equal("present", await client.GetStringAsync("/raw-key"));

        Assert.Equal("saved", await client.GetStringAsync("/read"));
        Assert.Equal("(none)", await client.GetStringAsync("/read"));
        Assert.Equal("absent", await client.GetStringAsync("/raw-key"));
    }

    [Fact]
    public async Task A_controllers_post_redirect_get_flash_message_shows_once()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        var posted = await client.PostAsync("/flash/save?text=Saved");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/flash/show", posted.Headers.Location?.OriginalString);

        Assert.Equal("Saved", await client.GetStringAsync("/flash/show"));
        Assert.Equal("(none)", await client.GetStringAsync("/flash/show"));
    }

    [Fact]
    public async Task Peek_and_keep_leave_the_message_for_the_next_request()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?value=hello");

        Assert.Equal("hello", await client.GetStringAsync("/peek"));
        Assert.Equal("hello", await client.GetStringAsync("/read-keep"));
        Assert.Equal("hello", await client.GetStringAsync("/read"));
        Assert.Equal("(none)", await client.GetStringAsync("/read"));
    }

    [Fact]
    public async Task A_flash_set_while_another_request_of_the_page_reads_TempData_is_not_lost()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        await client.PostAsync("/set?value=first");
        Assert.Equal("first", await client.GetStringAsync("/read"));
        var cookie = client.Cookie;

        // An XHR of the page loads TempData (empty) and is still running when the form post sets a flash message;
        // then the XHR saves its (empty) TempData. The built-in's whole-session save would drop the message.
        using var xhr = app.CreateClient();
        xhr.Cookie = cookie;
        var slow = xhr.GetAsync("/read-slow");
        await _loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var posted = await client.PostAsync("/set?value=saved");
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        _release.SetResult();
        var slowResponse = await slow;

        Assert.True(slowResponse.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"the XHR answered {(int)slowResponse.StatusCode}");
        Assert.Equal("saved", await client.GetStringAsync("/read"));
    }

    [Fact]
    public async Task A_flash_message_too_large_for_the_session_is_refused_and_stores_nothing()
    {
        await using var app = await StartAsync(o => o.MaxSessionSize = 4096);
        using var client = app.CreateClient();
        await client.PostAsync("/flash/save?text=small");

        // MVC saves TempData as the result runs: the write throws there, the request fails (TestServer hands the
        // unhandled exception to the client; Kestrel answers 500) and the session keeps what it had.
        var refused = await Record.ExceptionAsync(() => client.PostAsync("/flash/save?text=" + new string('x', 8000)));

        Assert.IsType<SessionTooLargeException>(refused);
        Assert.Equal("small", await client.GetStringAsync("/flash/show"));
    }

    /// <summary>On the in-memory store.</summary>
    public sealed class OnMemory() : TempDataTests(TestStore.Memory);

    /// <summary>On a SQLite file.</summary>
    public sealed class OnSqlite() : TempDataTests(TestStore.Sqlite);

    /// <summary>On the test Redis server.</summary>
    public sealed class OnRedis() : TempDataTests(TestStore.Redis);
}

/// <summary>A controller using TempData as MVC apps do: post, redirect, show once.</summary>
[Route("flash")]
public sealed class FlashController : Controller
{
    [HttpPost("save")]
    public IActionResult Save(string text)
    {
        TempData["flash"] = text;
        return Redirect("/flash/show");
    }

    [HttpGet("show")]
    public IActionResult Show() => Content(TempData["flash"] as string ?? "(none)");
}
