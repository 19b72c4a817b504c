using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TypedSessions.AspNetCore;
using TypedSessions.Core;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions;

/// <summary>
/// The <see cref="ISessionManager"/> of a server-side store: sessions are loaded and committed through the same
/// coordinator as requests' sessions (store timeout, metrics, logs, conflict checks). <see cref="CreateInMemory"/>
/// gives one over a fresh memory store for unit tests of app code, without a server or DI.
/// </summary>
public sealed class SessionManager : ISessionManager
{
    // One meter factory for every in-memory manager (their instruments are the app's usual TypedSessions ones).
    private static readonly ServiceProvider InMemoryMeters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private readonly SessionCoordinator _coordinator;

    internal SessionManager(SessionCoordinator coordinator) => _coordinator = coordinator;

    /// <summary>The store the sessions live in.</summary>
    public ISessionStore Store => _coordinator.Store;

    /// <summary>
    /// A manager over a new in-memory store (one per call), for unit tests of code that takes a <see cref="Session"/>
    /// or a schema: <c>var session = SessionManager.CreateInMemory().Create(); session.As&lt;Cart&gt;().Items.Add(…)</c>.
    /// </summary>
    /// <param name="configure">Changes the options (timeouts, size limit, concurrency) from their defaults.</param>
    /// <param name="timeProvider">The clock (e.g. a <c>FakeTimeProvider</c> to test expiry); the system clock by default.</param>
    /// <param name="events">A session events handler to raise events on (e.g. to unit-test one); none by default.</param>
    /// <returns>The manager.</returns>
    public static SessionManager CreateInMemory(Action<TypedSessionOptions>? configure = null, TimeProvider? timeProvider = null, ISessionEvents? events = null)
    {
        var options = new TypedSessionOptions();
        configure?.Invoke(options);
        var environment = new SessionEnvironment(Options.Create(options), timeProvider ?? TimeProvider.System);
        var coordinator = new SessionCoordinator(
            new MemorySessionStore(),
            environment,
            NullLogger<SessionCoordinator>.Instance,
            new SessionMetrics(InMemoryMeters.GetRequiredService<IMeterFactory>()),
            events is null ? [] : [events]);
        return new SessionManager(coordinator);
    }

    /// <inheritdoc/>
    public Session Create() => new(_coordinator, null);

    /// <inheritdoc/>
    public ValueTask<Session> OpenAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);

        // A malformed id names no session: the session is new, as for a request carrying it.
        return SessionId.TryParse(sessionId, out var id) ? LoadAsync(id!, cancellationToken) : ValueTask.FromResult(Create());
    }

    /// <inheritdoc/>
    public ValueTask<Session> OpenByStoreKeyAsync(string storeKey, CancellationToken cancellationToken = default)
        => LoadAsync(SessionId.FromStoreKey(storeKey), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<SessionSaveResult> SaveAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!ReferenceEquals(session.Backend, _coordinator))
        {
            throw new ArgumentException("The session was not created or opened by this manager (a request's session is saved by the middleware).", nameof(session));
        }

        await session.CommitAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return session.Id is { } id && !session.IsNew
            ? new SessionSaveResult(id.HasValue ? id.Value : null, id.StoreKey)
            : new SessionSaveResult(null, null);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteByStoreKeyAsync(string storeKey, CancellationToken cancellationToken = default)
    {
        var key = SessionId.FromStoreKey(storeKey).StoreKey;
        return await _coordinator.DirectAsync(TypedSessionsTelemetry.Operations.Delete, "delete the session", ct => Store.DeleteAsync(key, ct).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);

        // The coordinator refuses a store without a user index (NotSupportedException).
        return await _coordinator.RevokeUserAsync(userKey, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<long> DeleteExpiredAsync(IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var deleted = await Store.DeleteExpiredAsync(_coordinator.Now, progress, cancellationToken).ConfigureAwait(false);
        await _coordinator.Events.CleanedUpAsync(deleted, _coordinator.Now, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc/>
    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var statistics = Store as ISessionStoreStatistics
            ?? throw new NotSupportedException($"The session store {Store.GetType().Name} cannot report statistics (it does not implement ISessionStoreStatistics).");
        return statistics.GetStatisticsAsync(_coordinator.Now, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<UserSessionInfo>> ListUserSessionsAsync(string userKey, CancellationToken cancellationToken = default)
    {
        var records = await UserRecordsAsync(userKey, cancellationToken).ConfigureAwait(false);
        return records
            .GroupBy(r => r.Handle, StringComparer.Ordinal)
            .Select(device =>
            {
                var latest = device.OrderByDescending(r => r.Client?.LastSeen ?? DateTimeOffset.MinValue).First();
                return new UserSessionInfo(
                    device.Key,
                    device.Min(r => r.Record.CreatedAt),
                    device.Max(r => r.Record.Lifetime.ExpiresAt),
                    latest.Client?.LastSeen,
                    latest.Client?.UserAgent,
                    latest.Client?.IpNetwork,
                    device.Any(r => r.Record.Values.ContainsKey(Authentication.TypedSessionsTicketStore.TicketKey)),
                    device.Count());
            })
            .OrderByDescending(d => d.LastSeen ?? d.CreatedAt)
            .ToList();
    }

    /// <inheritdoc/>
    public async ValueTask<long> EndUserSessionAsync(string userKey, string handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var records = await UserRecordsAsync(userKey, cancellationToken).ConfigureAwait(false);
        return await DeleteAsync(userKey, records.Where(r => string.Equals(r.Handle, handle, StringComparison.Ordinal)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<long> EndOtherUserSessionsAsync(Session current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var userKey = current.UserKey ?? throw new InvalidOperationException("The session is not bound to a user; sign it in first.");
        var handle = HandleOf(current);
        var currentKey = current.Id?.StoreKey;
        var records = await UserRecordsAsync(userKey, cancellationToken).ConfigureAwait(false);
        return await DeleteAsync(
            userKey,
            records.Where(r => !string.Equals(r.Handle, handle, StringComparison.Ordinal) && !string.Equals(r.StoreKey, currentKey, StringComparison.Ordinal)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public string? HandleOf(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ActiveSessions.SessionClientInfo.Read(session)?.Device is { } device
            ? ActiveSessions.SessionClientInfo.Handle(device, string.Empty)
            : session.Id is { } id && !session.IsNew ? ActiveSessions.SessionClientInfo.Handle(null, id.StoreKey) : null;
    }

    // The live sessions bound to the user, each read once (listed keys are hints: each is checked).
    private async Task<List<(string StoreKey, SessionRecord Record, ActiveSessions.SessionClientInfo.Entry? Client, string Handle)>> UserRecordsAsync(string userKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userKey);
        var listing = Store as ISessionUserListing
            ?? throw new NotSupportedException($"The session store {Store.GetType().Name} cannot list a user's sessions (it does not implement ISessionUserListing).");
        var now = _coordinator.Now;
        var records = new List<(string, SessionRecord, ActiveSessions.SessionClientInfo.Entry?, string)>();
        var keys = await _coordinator.DirectAsync(TypedSessionsTelemetry.Operations.ListUser, "list the user's sessions", ct => listing.ListUserSessionKeysAsync(userKey, now, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            var loaded = await _coordinator.DirectAsync(TypedSessionsTelemetry.Operations.Load, "load a session of the user", ct => Store.LoadAsync(key, new SessionLoadRequest(now, null), ct).AsTask(), cancellationToken).ConfigureAwait(false);
            if (loaded.Record is { IsTombstone: false } record && string.Equals(record.UserKey, userKey, StringComparison.Ordinal) && record.Lifetime.ExpiresAt > now)
            {
                var client = ActiveSessions.SessionClientInfo.Read(_coordinator.Environment.Codec, record.Values);
                records.Add((key, record, client, ActiveSessions.SessionClientInfo.Handle(client?.Device, key)));
            }
        }

        return records;
    }

    // Deletes the device's sessions; ending some of a user's sessions is reported as a revoke (ISessionEvents).
    private async Task<long> DeleteAsync(string userKey, IEnumerable<(string StoreKey, SessionRecord Record, ActiveSessions.SessionClientInfo.Entry? Client, string Handle)> records, CancellationToken cancellationToken)
    {
        long deleted = 0;
        foreach (var record in records)
        {
            if (await _coordinator.DirectAsync(TypedSessionsTelemetry.Operations.Delete, "delete a session of the user", ct => Store.DeleteAsync(record.StoreKey, ct).AsTask(), cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        if (deleted > 0)
        {
            await _coordinator.Events.RevokedAsync(userKey, deleted, _coordinator.Now, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    private async ValueTask<Session> LoadAsync(SessionId id, CancellationToken cancellationToken)
    {
        var session = new Session(_coordinator, id);
        await session.LoadOrMarkUnavailableAsync().WaitAsync(cancellationToken).ConfigureAwait(false);

        // Outside a request there is no failure policy to apply: a store failure is the caller's exception.
        session.ThrowIfUnavailable();
        return session;
    }
}
