using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSessions.Faults.Tests;

/// <summary>
/// A small app on Kestrel (real HTTP on a loopback port) with the real TypedSessions pipeline and one
/// store. <c>POST /c</c> increments the session's counter; <c>GET /c</c> reads it. Both answer
/// <c>owner value</c>, where <c>owner</c> is written once when the session is created, so a session
/// replaced by an empty one shows as a missing owner.
/// </summary>
internal sealed class FaultApp : IAsyncDisposable
{
    public const string CounterKey = "counter";
    public const string OwnerKey = "owner";

    private readonly WebApplication _app;

    private FaultApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<FaultApp> StartAsync(TimeSpan storeTimeout, string storeName, string connectionString, Action<TypedSessionsBuilder> addStore)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var sessions = builder.Services.AddTypedSessions(o =>
        {
            o.Store = storeName;
            o.ConnectionString = connectionString;
            o.StoreTimeout = storeTimeout;
            o.CleanupInterval = TimeSpan.Zero;
        });
        addStore(sessions);

        var app = builder.Build();
        app.UseTypedSessions();
        app.MapPost("/c", (HttpContext context, string owner) =>
        {
            var session = context.GetSession();
            if (!session.ContainsKey(OwnerKey))
            {
                // Only the first request of a client creates its session; a later one that lands here
                // found its session empty, which the client reports (the owner it sees is "-").
                session.Set(OwnerKey, owner);
                session.Set(CounterKey, 1);
                return Results.Text("- 1");
            }

            var value = session.Get<int>(CounterKey) + 1;
            session.Set(CounterKey, value);
            return Results.Text(Answer(session.Get<string>(OwnerKey), value));
        });
        app.MapGet("/c", (HttpContext context) =>
        {
            var session = context.GetSession();
            return Results.Text(Answer(session.Get<string>(OwnerKey), session.Get<int>(CounterKey)));
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new FaultApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Answer(string? owner, int value)
        => (owner ?? "-") + " " + value.ToString(CultureInfo.InvariantCulture);
}
