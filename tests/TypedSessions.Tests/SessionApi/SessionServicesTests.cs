using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.AspNetCore;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests.SessionApi;

/// <summary>The DI registration: <c>AddTypedSessions().AddMemoryStore()</c> builds the coordinator sessions run on.</summary>
public sealed class SessionServicesTests : SessionApiTestBase
{
    [Fact]
    public void AddTypedSessions_with_AddMemoryStore_builds_a_coordinator_over_the_memory_store()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(SessionTestHarness.Start))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddTypedSessions(o => o.IdleTimeout = TimeSpan.FromMinutes(7)).AddMemoryStore();
        using var provider = services.BuildServiceProvider();

        var coordinator = provider.GetRequiredService<SessionCoordinator>();

        Assert.IsType<MemorySessionStore>(coordinator.Store);
        Assert.Same(provider.GetRequiredService<MemorySessionStore>(), coordinator.Store);
        Assert.Equal(TimeSpan.FromMinutes(7), coordinator.Options.IdleTimeout);
        Assert.Equal(SessionTestHarness.Start, coordinator.Now);
        var session = new Session(coordinator, cookieId: null);
        Assert.Equal(SessionTestHarness.Start.AddMinutes(7), session.ExpiresAt);
    }
}
