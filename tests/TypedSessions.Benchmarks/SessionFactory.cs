using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TypedSessions.AspNetCore;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Benchmarks;

/// <summary>Builds loaded sessions of both libraries over in-memory backends, outside any request.</summary>
internal static class SessionFactory
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
        .AddLogging()
        .AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero).AddMemoryStore().Services
        .BuildServiceProvider();

    public static SessionCoordinator Coordinator => Services.GetRequiredService<SessionCoordinator>();

    public static MemorySessionStore Store => Services.GetRequiredService<MemorySessionStore>();

    /// <summary>A TypedSessions session loaded from the memory store with <paramref name="record"/>.</summary>
    public static Session Typed(SessionRecord record)
    {
        var id = SessionId.New();
        Store.CreateAsync(id.StoreKey, record).AsTask().GetAwaiter().GetResult();
        var session = new Session(Coordinator, id);
        session.LoadAsync().AsTask().GetAwaiter().GetResult();
        return session;
    }

    /// <summary>A built-in DistributedSession over a memory cache, as <c>AddSession()</c> creates it.</summary>
    public static DistributedSession BuiltIn(IDistributedCache cache, string key, bool isNew)
        => new(cache, key, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(1), () => true, NullLoggerFactory.Instance, isNew);

    public static IDistributedCache NewCache() => new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
}
