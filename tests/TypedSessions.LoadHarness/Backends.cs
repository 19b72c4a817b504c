using TypedSessions.PostgreSql;
using TypedSessions.Redis;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.LoadHarness;

/// <summary>
/// The backend both libraries run on for a harness run: in-process memory, or one Redis server. For the size-scaling run
/// TypedSessions also runs on PostgreSQL (<c>--postgres</c>, a connection string) and SQLite (<c>--sqlite</c>, a file);
/// the built-in then runs on the in-memory cache (it has no store of its own there) and is not reported.
/// </summary>
internal static class Backends
{
    public static void AddTypedSessionsBackend(TypedSessionsBuilder sessions, string backend, IConfiguration configuration)
    {
        sessions.AddMemoryStore();
        switch (backend)
        {
            case "redis":
                sessions.AddRedisStore(o => o.ConnectionString = configuration["redis"] ?? throw new ArgumentException("--redis host:port is required for the redis backend."));
                break;
            case "postgres":
                sessions.AddPostgreSqlStore(o => o.ConnectionString = configuration["postgres"] ?? throw new ArgumentException("--postgres <connection string> is required for the postgres backend."));
                break;
            case "sqlite":
                sessions.AddSqliteStore(o => o.ConnectionString = "Data Source=" + (configuration["sqlite"] ?? throw new ArgumentException("--sqlite <file> is required for the sqlite backend.")));
                break;
        }
    }

    public static ISessionStore TypedSessionsStore(IServiceProvider services, string backend) => backend switch
    {
        "memory" => services.GetRequiredService<MemorySessionStore>(),
        "redis" => services.GetRequiredService<RedisSessionStore>(),
        "postgres" => services.GetRequiredService<PostgreSqlSessionStore>(),
        "sqlite" => services.GetRequiredService<SqliteSessionStore>(),
        _ => throw new ArgumentException($"Unknown backend '{backend}'.", nameof(backend)),
    };

    public static void AddDistributedCache(IServiceCollection services, string backend, string? redis)
    {
        switch (backend)
        {
            case "memory" or "postgres" or "sqlite":
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
