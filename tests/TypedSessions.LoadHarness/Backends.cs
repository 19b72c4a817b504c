using TypedSessions.Redis;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.LoadHarness;

/// <summary>The backend both libraries run on for a harness run: in-process memory, or one Redis server.</summary>
internal static class Backends
{
    public static void AddTypedSessionsBackend(TypedSessionsBuilder sessions, string backend, string? redis)
    {
        sessions.AddMemoryStore();
        if (backend == "redis")
        {
            sessions.AddRedisStore(o => o.ConnectionString = redis ?? throw new ArgumentException("--redis host:port is required for the redis backend."));
        }
    }

    public static ISessionStore TypedSessionsStore(IServiceProvider services, string backend) => backend switch
    {
        "memory" => services.GetRequiredService<MemorySessionStore>(),
        "redis" => services.GetRequiredService<RedisSessionStore>(),
        _ => throw new ArgumentException($"Unknown backend '{backend}'.", nameof(backend)),
    };

    public static void AddDistributedCache(IServiceCollection services, string backend, string? redis)
    {
        switch (backend)
        {
            case "memory":
                services.AddDistributedMemoryCache();
                break;
            case "redis":
                services.AddStackExchangeRedisCache(o => o.Configuration = redis);
                break;
            default:
                throw new ArgumentException($"Unknown backend '{backend}'.", nameof(backend));
        }
    }
}
