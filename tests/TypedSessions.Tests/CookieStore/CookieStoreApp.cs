using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.Storage.Cookie;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.CookieStore;

/// <summary>A real ASP.NET Core pipeline on TestServer using the encrypted cookie store, with its own (ephemeral) key ring.</summary>
internal sealed class CookieStoreApp : IAsyncDisposable
{
    public const string CookieName = "__Host-session";

    private readonly WebApplication _app;

    private CookieStoreApp(WebApplication app, FakeTimeProvider time, CapturingLoggerProvider logs)
    {
        _app = app;
        Time = time;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<CookieStoreApp> StartAsync(Action<CookieSessionStoreOptions>? store = null, Action<TypedSessionOptions>? configure = null, bool exceptionHandler = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();

        // The real clock's "now": the client's cookie container judges the cookies' Expires by the real clock,
        // so a payload that expires on the fake clock is still sent by the client.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddTypedSessions(o =>
        {
            o.CleanupInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        }).AddCookieStore(store);

        var app = builder.Build();
        if (exceptionHandler)
        {
            // As in production: a failed request becomes a 500 response, which still runs the response's OnStarting callbacks.
            app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = c => c.Response.WriteAsync("failed") });
        }

        app.UseTypedSessions();
        Endpoints.Map(app);
        app.MapPost("/fill", (HttpContext c, string key, int size, bool repetitive) =>
        {
            c.GetSession().Set(key, repetitive ? new string('a', size) : RandomText(size));
            return Results.NoContent();
        });
        app.MapPost("/fill-json", (HttpContext c, string key, int size) =>
        {
            c.GetSession().Set(key, RandomText(size));
            return Results.Json(new { key, size });
        });
        app.MapPost("/late-mutation", async (HttpContext c) =>
        {
            var list = c.GetSession().Get<List<int>>("list")!;
            await c.Response.WriteAsync("started;");
            list.Add(99);
        });
        app.MapGet("/length", (HttpContext c, string key) => (c.GetSession().Get<string>(key)?.Length ?? -1).ToString(CultureInfo.InvariantCulture));
        app.MapPost("/revoke", async (HttpContext c) =>
        {
            var session = c.GetSession();
            session.BindUser("user-1");
            try
            {
                await session.RevokeUserSessionsAsync();
                return "revoked";
            }
            catch (NotSupportedException ex)
            {
                return "not supported: " + ex.Message;
            }
        });
        await app.StartAsync();
        return new CookieStoreApp(app, time, logs);
    }

    public CookieJarClient CreateClient() => new(_app.GetTestServer().CreateClient());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string RandomText(int size) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(size))[..size];
}

/// <summary>An HTTP client with a real <see cref="CookieContainer"/> that keeps every cookie across requests.</summary>
internal sealed class CookieJarClient(HttpClient client) : IDisposable
{
    private static readonly Uri Site = new("https://localhost/");

    public CookieContainer Jar { get; } = new();

    public HttpResponseMessage? Last { get; private set; }

    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    /// <summary>The session's cookies the client holds now, by name.</summary>
    public Dictionary<string, string> SessionCookies()
        => Jar.GetCookies(Site).Where(c => c.Name.StartsWith(CookieStoreApp.CookieName, StringComparison.Ordinal)).ToDictionary(c => c.Name, c => c.Value);

    public void Put(string name, string value) => Jar.Add(Site, new Cookie(name, value) { Secure = true, HttpOnly = true });

    public void Remove(string name)
    {
        foreach (Cookie cookie in Jar.GetCookies(Site))
        {
            if (cookie.Name == name)
            {
                cookie.Expired = true;
            }
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(Site, path));
        var header = Jar.GetCookieHeader(Site);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        LastSetCookies = [];
        var response = await client.SendAsync(request);
        LastSetCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];
        foreach (var setCookie in LastSetCookies)
        {
            Jar.SetCookies(Site, setCookie);
        }

        Last = response;
        return response;
    }

    public Task<HttpResponseMessage> PostAsync(string path) => SendAsync(HttpMethod.Post, path);

    public async Task<string> GetStringAsync(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public void Dispose() => client.Dispose();
}
