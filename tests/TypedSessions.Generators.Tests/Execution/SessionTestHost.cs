using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TypedSessions.Generators.Tests.Execution;

/// <summary>A real ASP.NET Core pipeline on TestServer with the memory store, and a client that keeps the session cookie.</summary>
internal sealed class SessionTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private SessionTestHost(WebApplication app)
    {
        _app = app;
        _client = app.GetTestClient();
    }

    public string? Cookie { get; private set; }

    public static async Task<SessionTestHost> StartAsync(
        Action<WebApplication> map,
        Action<IServiceCollection>? services = null,
        SessionLoadMode loadMode = SessionLoadMode.Eager)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Services.AddTypedSessions(o => o.LoadMode = loadMode).AddMemoryStore();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseTypedSessions();
        map(app);
        await app.StartAsync();
        return new SessionTestHost(app);
    }

    /// <summary>Sends a GET with the current cookie and remembers any new one.</summary>
    public async Task<Response> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", Cookie);
        }

        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        string? setCookie = null;
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            setCookie = values.Single();
            var pair = setCookie.Split(';')[0];
            Cookie = pair.EndsWith('=') ? null : pair;
        }

        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {body}");
        return new Response(body, setCookie, response.Headers.CacheControl);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record Response(string Body, string? SetCookie, CacheControlHeaderValue? CacheControl);
}
