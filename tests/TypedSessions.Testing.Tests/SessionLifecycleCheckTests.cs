using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.Storage;

namespace TypedSessions.Testing.Tests;

/// <summary>The kit's pipeline-level lifecycle check on a server-side store (Memory) and on the client-side encrypted cookie store.</summary>
public sealed class SessionLifecycleCheckTests
{
    [Theory]
    [InlineData("Memory")]
    [InlineData("Cookie")]
    public async Task The_lifecycle_check_passes(string store)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddTypedSessions(o =>
        {
            o.Store = store;
            o.CleanupInterval = TimeSpan.Zero;
        }).AddMemoryStore().AddCookieStore();
        await using var app = builder.Build();
        app.UseTypedSessions();
        SessionLifecycleCheck.MapLifecycleEndpoints(app);
        await app.StartAsync();

        using var client = app.GetTestServer().CreateClient();
        await SessionLifecycleCheck.AssertLifecycleAsync(client, cookieCarriesSession: store == "Cookie");
        await app.StopAsync();
    }
}
