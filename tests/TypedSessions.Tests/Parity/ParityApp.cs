using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// One side of the parity suite as a real server: Kestrel on a loopback ephemeral port, the side's session services
/// and middleware, and the shared endpoints (<see cref="ParityEndpoints"/>).
/// </summary>
internal sealed class ParityApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ParityApp(WebApplication app, Uri address, CapturingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
    }

    /// <summary>Where Kestrel listens (http://127.0.0.1:port).</summary>
    public Uri Address { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>The switch over the side's store (down, or forgetting every session).</summary>
    public IParityStore Store => _app.Services.GetRequiredService<IParityStore>();

    public static async Task<ParityApp> StartAsync(Action<WebApplicationBuilder> addSessions, Action<WebApplication> useSessions)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<Rendezvous>();
        addSessions(builder);

        var app = builder.Build();
        useSessions(app);
        ParityEndpoints.Map(app);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new ParityApp(app, new Uri(addresses.Single()), logs);
    }

    public ParityClient CreateClient() => new(Address);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
