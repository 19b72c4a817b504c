using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSessions.Tests.Integration;

/// <summary>An app that still registers Microsoft.AspNetCore.Session next to TypedSessions is told so at startup.</summary>
public sealed class SessionFeatureRegistrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Registering_the_built_in_session_too_logs_a_warning_at_startup(bool alsoBuiltIn)
    {
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero).AddMemoryStore();
        if (alsoBuiltIn)
        {
            builder.Services.AddDistributedMemoryCache();
            builder.Services.AddSession();
        }

        await using var app = builder.Build();
        app.UseTypedSessions();
        app.MapGet("/", (HttpContext c) => c.Session.Id);
        await app.StartAsync();

        Assert.Equal(alsoBuiltIn, logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Id.Name == "BuiltInSessionAlsoRegistered"));
    }
}
