using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.AspNetCore;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests;

/// <summary>
/// The session core without HTTP: a <see cref="SessionCoordinator"/> built through DI over a
/// memory store that counts its calls, with a fake clock.
/// </summary>
internal sealed class SessionTestHarness : IDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly FakeLoggerProvider _logging;

    public SessionTestHarness(Action<TypedSessionOptions>? configure = null)
    {
        Store = new CountingStore(Memory);
        _logging = new FakeLoggerProvider(Logs);
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(_logging).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddTypedSessions(configure).AddStore("Counting", _ => Store);
        _services = services.BuildServiceProvider(validateScopes: true);
        Coordinator = _services.GetRequiredService<SessionCoordinator>();
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public MemorySessionStore Memory { get; } = new();

    public CountingStore Store { get; }

    /// <summary>Every log record written, at every level.</summary>
    public FakeLogCollector Logs { get; } = new();

    public SessionCoordinator Coordinator { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>A request without a session cookie.</summary>
    public Session NewSession() => new(Coordinator, cookieId: null);

    /// <summary>A request that carries <paramref name="id"/> in its cookie (not loaded yet).</summary>
    public Session CookieSession(SessionId id) => new(Coordinator, cookieId: id);

    public async Task<Session> LoadedAsync(SessionId id)
    {
        var session = CookieSession(id);
        await session.LoadAsync();
        return session;
    }

    /// <summary>Stores a session filled by <paramref name="fill"/> (as a committed request would) and returns its id; resets the counters.</summary>
    public async Task<SessionId> SeedAsync(Action<Session> fill)
    {
        var session = NewSession();
        fill(session);
        await session.CommitAsync();
        Store.Reset();
        return session.Id ?? throw new InvalidOperationException("The seed did not establish a session.");
    }

    /// <summary>What the store holds for <paramref name="id"/> now, bypassing the counters.</summary>
    public async Task<SessionRecord?> StoredAsync(SessionId id)
        => (await Memory.LoadAsync(id.StoreKey, new SessionLoadRequest(Now, null))).Record;

    public void Dispose()
    {
        _services.Dispose();
        _logging.Dispose();
    }
}

/// <summary>
/// Wraps a store, counting calls per operation; can be told to fail loads. Blind writes and loads of some keys are
/// forwarded only when <see cref="OffersKeyReads"/> is set (the capabilities say so), so by default every change needs a load.
/// </summary>
internal sealed class CountingStore(ISessionStore inner) : ISessionStore, ISessionBlindWriter, ISessionKeyReader
{
    private int _keyLoads;
    private int _blindSaves;
    private int _loads;
    private int _creates;
    private int _saves;
    private int _cycles;
    private int _ends;
    private int _touches;
    private int _deletes;
    private int _deleteExpired;

    public int Loads => _loads;

    public int Creates => _creates;

    public int Saves => _saves;

    public int Touches => _touches;

    public int Deletes => _deletes;

    /// <summary>Cycles (one store operation: move to the new key, tombstone the old).</summary>
    public int Cycles => _cycles;

    /// <summary>Ends (flush: the session replaced by a tombstone).</summary>
    public int Ends => _ends;

    public int Calls => _loads + _keyLoads + _creates + _saves + _blindSaves + _cycles + _ends + _touches + _deletes + _deleteExpired;

    /// <summary>When set, <see cref="LoadAsync"/> throws it.</summary>
    public Exception? LoadFailure { get; set; }

    /// <summary>When set, <see cref="LoadAsync"/> never completes (and ignores its token).</summary>
    public bool HangLoads { get; set; }

    /// <summary>When set, <see cref="SaveAsync"/> and <see cref="CreateAsync"/> throw it.</summary>
    public Exception? WriteFailure { get; set; }

    /// <summary>Whether the wrapped store's blind writes and loads of some keys are offered (<see cref="ISessionKeyReader"/>).</summary>
    public bool OffersKeyReads { get; set; }

    /// <summary>Loads of some keys (<see cref="ISessionKeyReader.LoadKeysAsync"/>), not counted in <see cref="Loads"/>.</summary>
    public int KeyLoads => _keyLoads;

    /// <summary>Saves through <see cref="ISessionBlindWriter"/>, not counted in <see cref="Saves"/>.</summary>
    public int BlindSaves => _blindSaves;

    /// <summary>The keys the last <see cref="LoadKeysAsync"/> asked for.</summary>
    public IReadOnlyCollection<string>? LastKeysLoaded { get; private set; }

    public SessionStoreCapabilities Capabilities => OffersKeyReads
        ? inner.Capabilities
        : inner.Capabilities & ~(SessionStoreCapabilities.BlindWrites | SessionStoreCapabilities.KeyReads);

    public ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _keyLoads);
        LastKeysLoaded = [.. names];
        if (LoadFailure is { } failure)
        {
            throw failure;
        }

        return ((ISessionKeyReader)inner).LoadKeysAsync(key, names, request, cancellationToken);
    }

    public ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _blindSaves);
        if (WriteFailure is { } failure)
        {
            throw failure;
        }

        return ((ISessionBlindWriter)inner).SaveBlindAsync(key, changes, maxSize, cancellationToken);
    }

    public void Reset()
    {
        _loads = _keyLoads = _creates = _saves = _blindSaves = _cycles = _ends = _touches = _deletes = _deleteExpired = 0;
    }

    public ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _loads);
        if (LoadFailure is { } failure)
        {
            throw failure;
        }

        if (HangLoads)
        {
            return new ValueTask<SessionLoadResult>(new TaskCompletionSource<SessionLoadResult>().Task);
        }

        return inner.LoadAsync(key, request, cancellationToken);
    }

    public ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _creates);
        if (WriteFailure is { } failure)
        {
            throw failure;
        }

        return inner.CreateAsync(key, record, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _saves);
        if (WriteFailure is { } failure)
        {
            throw failure;
        }

        return inner.SaveAsync(key, changes, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _cycles);
        if (WriteFailure is { } failure)
        {
            throw failure;
        }

        return inner.CycleAsync(key, newKey, changes, tombstoneExpiresAt, cancellationToken);
    }

    public ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _ends);
        return inner.EndAsync(key, now, tombstoneExpiresAt, cancellationToken);
    }

    public ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _touches);
        return inner.TouchAsync(key, now, threshold, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _deletes);
        return inner.DeleteAsync(key, cancellationToken);
    }

    public ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _deleteExpired);
        return inner.DeleteExpiredAsync(now, progress, cancellationToken);
    }
}
