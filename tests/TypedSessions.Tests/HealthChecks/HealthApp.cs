using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.HealthChecks;

/// <summary>
/// An app on TestServer with TypedSessions, <c>AddHealthChecks().AddTypedSessionsStore()</c> and
/// <c>MapHealthChecks("/health").WithoutSession()</c>, whose writer answers the check's entry as JSON; plus
/// <c>UseTypedSessions()</c> and <c>POST /write</c>, which stores a session value (unless the test leaves them out).
/// </summary>
internal sealed class HealthApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HealthApp(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static async Task<HealthApp> StartAsync(
        Action<TypedSessionsBuilder>? stores = null,
        Action<IHealthChecksBuilder>? health = null,
        Dictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null,
        Action<TypedSessionOptions>? options = null,
        bool addTypedSessions = true,
        bool useTypedSessions = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        if (addTypedSessions)
        {
            var sessions = builder.Services.AddTypedSessions(o =>
            {
                o.CleanupInterval = TimeSpan.Zero;
                options?.Invoke(o);
            });
            (stores ?? (s => s.AddMemoryStore()))(sessions);
        }

        services?.Invoke(builder.Services);
        (health ?? (h => h.AddTypedSessionsStore()))(builder.Services.AddHealthChecks());

        var app = builder.Build();
        if (addTypedSessions && useTypedSessions)
        {
            app.UseTypedSessions();
            app.MapPost("/write", (HttpContext context) => context.GetSession().Set("n", 1));
        }

        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync }).WithoutSession();
        await app.StartAsync();
        return new HealthApp(app);
    }

    public SessionClient CreateClient() => new(_app.GetTestServer().CreateClient());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The one entry: {"status", "description", "exception", "data": {name: text}}.
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var entry = report.Entries.Single().Value;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["status"] = entry.Status.ToString(),
            ["description"] = entry.Description,
            ["exception"] = entry.Exception?.GetType().Name,
            ["data"] = entry.Data.ToDictionary(d => d.Key, d => Convert.ToString(d.Value, System.Globalization.CultureInfo.InvariantCulture)),
        }));
    }
}

/// <summary>What <see cref="HealthApp"/>'s <c>/health</c> answered.</summary>
internal sealed record HealthAnswer(HttpStatusCode Code, string Status, string Description, string? Exception, IReadOnlyDictionary<string, string?> Data, bool SetCookie)
{
    public static async Task<HealthAnswer> GetAsync(SessionClient client)
    {
        var response = await client.GetAsync("/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return new HealthAnswer(
            response.StatusCode,
            root.GetProperty("status").GetString()!,
            root.GetProperty("description").GetString() ?? string.Empty,
            root.GetProperty("exception").GetString(),
            root.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()),
            SessionClient.SetCookie(response) is not null || response.Headers.Contains("Set-Cookie"));
    }
}
