using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSessions.Storage;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Security;

/// <summary>The integration endpoints plus a login/logout pair, as an app would write them.</summary>
internal static class SecurityEndpoints
{
    public static void Map(WebApplication app)
    {
        Endpoints.Map(app);

        // Login: a privilege change, so the id is cycled (fixation defence) and the session bound to the user.
        app.MapPost("/login", (HttpContext c, string user) =>
        {
            var session = c.GetSession();
            session.CycleId();
            session.BindUser(user);
            session.Set("user", user);
            return Results.NoContent();
        });
        app.MapGet("/whoami", (HttpContext c) => c.GetSession().Get<string>("user") ?? "anonymous");
        app.MapPost("/logout", (HttpContext c) =>
        {
            c.GetSession().Flush();
            return Results.NoContent();
        });
    }

    public static Task<TestApp> StartAsync(Action<TypedSessionOptions>? configure = null, Func<IServiceProvider, ISessionStore>? store = null)
        => TestApp.StartAsync(Map, configure, store);
}

/// <summary>
/// Wraps a store and records every key it is handed. Can fail an operation with an exception whose
/// message carries the key it received (as a careless custom store might), or report corrupt data.
/// </summary>
internal sealed class KeyRecordingStore(ISessionStore inner) : ISessionStore
{
    private readonly ConcurrentQueue<(string Operation, string Key)> _keys = new();

    public IReadOnlyCollection<(string Operation, string Key)> Keys => _keys;

    public string? FailOn { get; set; }

    public bool CorruptOnLoad { get; set; }

    public SessionStoreCapabilities Capabilities => inner.Capabilities;

    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        Record("load", key);
        if (CorruptOnLoad)
        {
            throw new SessionDataException($"Record {key} is malformed.");
        }

        return inner.LoadAsync(key, request, cancellationToken);
    }

    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        Record("create", key);
        return inner.CreateAsync(key, record, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        Record("save", key);
        return inner.SaveAsync(key, changes, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        Record("cycle", key);
        Record("cycle", newKey);
        return inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        Record("end", key);
        return inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);
    }

    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        Record("touch", key);
        return inner.TouchAsync(key, now, threshold, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Record("delete", key);
        return inner.DeleteAsync(key, cancellationToken);
    }

    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
        => inner.DeleteExpiredAsync(now, progress, cancellationToken);

    private void Record(string operation, string key)
    {
        _keys.Enqueue((operation, key));
        if (FailOn == operation)
        {
            throw new SessionStoreException($"Backend refused {operation} of key {key}.");
        }
    }
}
