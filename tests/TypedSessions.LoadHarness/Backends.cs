using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.LoadHarness;

/// <summary>The backend both libraries run on for a harness run.</summary>
internal static class Backends
{
    public static ISessionStore TypedSessionsStore(IServiceProvider services, string backend) => backend switch
    {
        "memory" => services.GetRequiredService<MemorySessionStore>(),
        _ => throw new ArgumentException($"Unknown backend '{backend}'.", nameof(backend)),
    };

    public static void AddDistributedCache(IServiceCollection services, string backend)
    {
        switch (backend)
        {
            case "memory":
                services.AddDistributedMemoryCache();
                break;
            default:
                throw new ArgumentException($"Unknown backend '{backend}'.", nameof(backend));
        }
    }
}
