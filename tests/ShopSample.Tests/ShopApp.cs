using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace ShopSample.Tests;

/// <summary>
/// The sample app in a test host: the real pipeline from <c>Program</c>, its own SQLite file in a
/// per-test temp folder (<c>TypedSessions:ConnectionString</c>), and optionally a <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class ShopFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private bool _cleaned;

    public ShopFactory(bool fakeTime, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? services = null)
    {
        _services = services;
        Folder = Path.Combine(Path.GetTempPath(), "shopsample-tests", Guid.NewGuid().ToString("N"));
        _settings = settings ?? new Dictionary<string, string?>();
        if (fakeTime)
        {
            // Start at the real present (whole seconds): the client's cookie jar judges cookie expiry by the real clock.
            var now = DateTimeOffset.UtcNow;
            Time = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        }
    }

    public string Folder { get; }

    public string DatabasePath => Path.Combine(Folder, "sessions.db");

    public FakeTimeProvider? Time { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("TypedSessions:ConnectionString", new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString());
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (Time is not null)
            {
                services.AddSingleton<TimeProvider>(Time);
            }

            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || _cleaned)
        {
            return;
        }

        _cleaned = true;
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}

/// <summary>One test's app, a browser-like client (cookie jar, https://localhost) and helpers.</summary>
internal sealed class ShopApp : IDisposable
{
    public const string CookieName = "__Host-session";

    /// <summary>The cookie authentication cookie (its value is the key of the auth ticket in the session store).</summary>
    public const string AuthCookieName = "__Host-shop-auth";

    private static readonly Uri BaseAddress = new("https://localhost/");
    private readonly CookieContainerHandler _jar = new();

    public ShopApp(bool fakeTime = true, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Factory = new ShopFactory(fakeTime, settings, services);
        Browser = Factory.CreateDefaultClient(BaseAddress, _jar);
        Raw = Factory.CreateDefaultClient(BaseAddress);
    }

    public ShopFactory Factory { get; }

    /// <summary>Keeps cookies like a browser: stores Set-Cookie, sends them back (Secure ones only over https).</summary>
    public HttpClient Browser { get; }

    /// <summary>No cookie handling: for replaying a cookie value by hand.</summary>
    public HttpClient Raw { get; }

    public FakeTimeProvider Time => Factory.Time ?? throw new InvalidOperationException("This app runs on the system clock.");

    /// <summary>The session cookie the browser holds, or <see langword="null"/>.</summary>
    public string? CookieValue => _jar.Container.GetCookies(BaseAddress)[CookieName]?.Value;

    /// <summary>The auth cookie the browser holds, or <see langword="null"/>.</summary>
    public string? AuthCookieValue => _jar.Container.GetCookies(BaseAddress)[AuthCookieName]?.Value;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? json = null)
        => Browser.SendAsync(Http.Request(method, url, json));

    /// <summary>Sends a request carrying <paramref name="cookieValue"/> as the session cookie, outside the browser's jar.</summary>
    public Task<HttpResponseMessage> SendWithCookieAsync(string cookieValue, HttpMethod method, string url, string? json = null)
    {
        var request = Http.Request(method, url, json);
        request.Headers.Add(HeaderNames.Cookie, $"{CookieName}={cookieValue}");
        return Raw.SendAsync(request);
    }

    /// <summary>Drops every cookie the browser holds, as a new browser would start (one app serves several visitors).</summary>
    public void ForgetCookies()
    {
        foreach (Cookie cookie in _jar.Container.GetAllCookies())
        {
            cookie.Expired = true;
        }

        Assert.Null(CookieValue);
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    public Task<HttpResponseMessage> PostAsync(string url, string? json = null) => SendAsync(HttpMethod.Post, url, json);

    public Task<HttpResponseMessage> PutAsync(string url, string? json = null) => SendAsync(HttpMethod.Put, url, json);

    public Task<HttpResponseMessage> DeleteAsync(string url) => SendAsync(HttpMethod.Delete, url);

    /// <summary><c>GET /api/session</c> through the browser, checked for status and shape.</summary>
    public async Task<JsonElement> SessionAsync()
    {
        using var response = await GetAsync("/api/session");
        return await Http.SessionBodyAsync(response);
    }

    /// <summary><c>GET /api/session</c> with a hand-made cookie.</summary>
    public async Task<JsonElement> SessionWithCookieAsync(string cookieValue)
    {
        using var response = await SendWithCookieAsync(cookieValue, HttpMethod.Get, "/api/session");
        return await Http.SessionBodyAsync(response);
    }

    public async Task LoginAsync(string username = "alice", string password = "wonderland")
    {
        using var response = await PostAsync("/api/login", Http.Json(new { username, password }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Gives the browser a stored session (a cart line) and returns its cookie value.</summary>
    public async Task<string> StartSessionAsync()
    {
        using var response = await PostAsync("/api/cart", """{"sku":"tea","qty":1}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return CookieValue ?? throw new InvalidOperationException("The first write set no session cookie.");
    }

    public void Dispose()
    {
        Browser.Dispose();
        Raw.Dispose();
        _jar.Dispose();
        Factory.Dispose();
    }
}

internal static partial class Http
{
    private static readonly string[] SessionProperties = ["username", "userId", "cart", "theme", "counters", "expiresAt", "expireAtBrowserClose"];

    public static string Json(object value) => JsonSerializer.Serialize(value);

    public static HttpRequestMessage Request(HttpMethod method, string url, string? json)
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Checks a <c>GET /api/session</c> answer: 200 and exactly the contract's properties.</summary>
    public static async Task<JsonElement> SessionBodyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(SessionProperties.Order(StringComparer.Ordinal), body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        return body;
    }

    /// <summary>Asserts a 4xx answer with a <c>{"error": "..."}</c> body.</summary>
    public static async Task AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("error", Assert.Single(body.EnumerateObject()).Name);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
    }

    /// <summary>The session cookie set by this response, or <see langword="null"/>.</summary>
    public static SetCookieHeaderValue? SessionCookie(this HttpResponseMessage response)
        => response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            ? SetCookieHeaderValue.ParseList([.. values]).SingleOrDefault(c => c.Name == ShopApp.CookieName)
            : null;

    public static void AssertNoSetCookie(this HttpResponseMessage response)
        => Assert.False(response.Headers.Contains(HeaderNames.SetCookie), "Expected no Set-Cookie, got: " + string.Join(" | ", response.Headers.TryGetValues(HeaderNames.SetCookie, out var v) ? v : []));

    /// <summary>The session's <c>expiresAt</c>: <see langword="null"/>, or an ISO-8601 instant with an offset.</summary>
    public static DateTimeOffset? ExpiresAt(this JsonElement session)
    {
        var value = session.GetProperty("expiresAt");
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.GetString()!;
        Assert.Matches(IsoInstant(), text);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoInstant();
}
