using Microsoft.Extensions.Configuration;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests.Integration;

/// <summary>A real ASP.NET Core pipeline on TestServer with TypedSessions and an instrumented store.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, InstrumentedStore store, FakeTimeProvider time, CapturingLoggerProvider logs)
    {
        _app = app;
        Store = store;
        Time = time;
        Logs = logs;
    }

    public InstrumentedStore Store { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public TestServer Server => _app.GetTestServer();

    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Action<TypedSessionOptions>? configure = null,
        Func<IServiceProvider, ISessionStore>? store = null,
        IEnumerable<KeyValuePair<string, string?>>? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddTypedSessions(o =>
        {
            o.CleanupInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        }).AddMemoryStore();
        var inner = store;
        builder.Services.AddSingleton(sp => new InstrumentedStore(inner?.Invoke(sp) ?? sp.GetRequiredService<MemorySessionStore>()));
        builder.Services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<InstrumentedStore>());
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseTypedSessions();
        map(app);
        await app.StartAsync();
        return new TestApp(app, app.Services.GetRequiredService<InstrumentedStore>(), time, logs);
    }

    public SessionClient CreateClient() => new(Server.CreateClient());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An HTTP client that keeps the session cookie by hand, so tests can read, replace and replay it.</summary>
internal sealed class SessionClient(HttpClient client) : IDisposable
{
    public const string CookieName = "__Host-session";

    public string? Cookie { get; set; }

    public HttpResponseMessage? Last { get; private set; }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri("https://localhost" + path)) { Content = content };
        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={Cookie}");
        }

        var response = await client.SendAsync(request);
        if (SetCookie(response) is { } header)
        {
            var value = header[(CookieName.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)];
            Cookie = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) ? null : value;
        }

        Last = response;
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path) => SendAsync(HttpMethod.Post, path);

    /// <summary>
    /// Posts <paramref name="path"/> until it answers 204 with a session cookie: for apps with a store timeout short
    /// enough that a request on a loaded machine (a cold JIT) can time out before the test starts its own fault.
    /// </summary>
    public async Task SeedAsync(string path = "/set?key=name&value=alice")
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if ((await PostAsync(path)).StatusCode == HttpStatusCode.NoContent && Cookie is not null)
            {
                return;
            }
        }

        Assert.Fail("The seed request never succeeded.");
    }

    /// <summary>
    /// <see cref="GetStringAsync"/>, asked again while it answers 503: for reads that check what is stored after a fault,
    /// in apps whose short store timeout a loaded machine can exceed.
    /// </summary>
    public async Task<string> GetStringOnceAvailableAsync(string path)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var response = await GetAsync(path);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }
        }

        Assert.Fail($"GET {path} answered 503 twenty times.");
        return string.Empty;
    }

    public async Task<string> GetStringAsync(string path)
    {
        var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public static string? SetCookie(HttpResponseMessage response)
        => response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.SingleOrDefault(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal))
            : null;

    public void Dispose() => client.Dispose();
}

/// <summary>Keeps every formatted log line, with its exception, for searching.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Text)> _entries = new();

    public IReadOnlyCollection<(string Category, LogLevel Level, EventId Id, string Text)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(string, LogLevel, EventId, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries.Enqueue((category, logLevel, eventId, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
