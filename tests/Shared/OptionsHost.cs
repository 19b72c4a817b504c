using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace TypedSessions.TestSupport;

/// <summary>Starts a real host (TestServer) with TypedSessions, the given configuration and code, and a set/read endpoint pair.
/// Linked as source into the test projects that start such a host (tests/Shared).</summary>
internal static class OptionsHost
{
    public static async Task<WebApplication> StartAsync(
        IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<TypedSessionOptions>? configure = null,
        Action<TypedSessionsBuilder>? stores = null,
        Action<IConfigurationBuilder>? configuration = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        configuration?.Invoke(builder.Configuration);
        var sessions = builder.Services.AddTypedSessions(configure);
        if (stores is null)
        {
            sessions.AddMemoryStore();
        }
        else
        {
            stores(sessions);
        }

        var app = builder.Build();
        try
        {
            app.UseTypedSessions();
            app.MapPost("/set", (HttpContext c, string value) =>
            {
                c.GetSession().Set("value", value);
                return Results.NoContent();
            });
            app.MapGet("/read", (HttpContext c) => c.GetSession().Get<string>("value") ?? "(none)");
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sets a value, then reads it back with the session cookie: a full round trip through the pipeline.</summary>
    public static async Task<string> RoundTripAsync(WebApplication app, string value)
    {
        using var client = app.GetTestClient();
        var set = await client.PostAsync(new Uri($"https://localhost/set?value={Uri.EscapeDataString(value)}"), null);
        set.EnsureSuccessStatusCode();
        var cookie = set.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("https://localhost/read"));
        read.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(read);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
