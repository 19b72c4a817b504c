using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.Core;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Cookie;

namespace TypedSessions.AspNetCore.Transports;

/// <summary>
/// The encrypted cookie store's transport (<c>TypedSessions:Store=Cookie</c>): the whole session travels in the
/// session cookie(s). Opening a request decodes its cookies (CPU only, so in every load mode); the commit protects the
/// whole record once — when the response starts at the latest — and the response carries it, chunked, replacing or
/// deleting every cookie of the request's session. Nothing is kept on the server.
/// </summary>
/// <remarks>
/// Session events (<see cref="ISessionEvents"/>) follow the cookie: created, id cycled and flushed when a commit produces
/// the cookie change that creates, re-keys or ends the session (no server-side store to ask); expired when a request
/// presents an authentic cookie whose payload has expired (raised as the response that deletes it starts, or at the
/// commit, whichever comes first). No revoke and no cleanup exist here.
/// </remarks>
internal sealed class EncryptedCookieTransport(CookieSessionStore format, SessionEnvironment environment, SessionMetrics metrics, ILogger<EncryptedCookieTransport> logger)
    : SessionTransport(environment)
{
    // The handlers, from the first request's services: DI builds this transport without them. Handlers are singletons
    // (AddEvents), so any request's provider gives the same ones; a race only builds the same dispatcher twice.
    private SessionEventDispatcher? _events;

    public override Session Open(HttpContext context)
    {
        var name = Environment.Options.Cookie.EffectiveName;
        var started = Stopwatch.GetTimestamp();
        var read = format.Read(context.Request.Cookies, name);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var events = _events ??= new SessionEventDispatcher(context.RequestServices.GetServices<ISessionEvents>(), logger);
        var committer = new CookieCommitter(format, Environment, read.CookieNames, events);
        var session = new Session(committer, null);
        if (read.Failure is { } reason)
        {
            metrics.Operation(nameof(CookieSessionStore), TypedSessionsTelemetry.Operations.Load, TypedSessionsTelemetry.Outcomes.Corrupt, TypedSessionsTelemetry.ErrorTypes.Corrupt, elapsed);
            SessionLog.CookieRejected(logger, reason);
            return session;
        }

        if (read.Id is not { } id)
        {
            return session;
        }

        // The expiry and the touch policy apply from inside the payload, as a server-side load would apply them.
        var now = Environment.Now;
        var result = SessionLoadResult.From(read.Record, new SessionLoadRequest(now, Environment.Options.SlidingRefreshThreshold));
        metrics.Operation(nameof(CookieSessionStore), TypedSessionsTelemetry.Operations.Load, TypedSessionsTelemetry.Outcomes.Ok, null, elapsed);
        if (result.Record is { } record)
        {
            SessionLog.Loaded(logger, id.LogId, record.Values.Count, result.Touched);
            session.Adopt(id, result);
        }
        else
        {
            SessionLog.NotFound(logger, id.LogId);

            // The payload is authentic and carries its own expiry: this is an expiry for certain, with the session's user.
            if (events.IsEnabled && read.Record is { } expired && expired.Lifetime.IsExpired(now))
            {
                committer.NoteExpired(id, expired.UserKey);
            }
        }

        return session;
    }

    public override Session OpenDisabled() => new(new CookieCommitter(format, Environment, [], SessionEventDispatcher.None), null, disabled: true);

    protected override ValueTask RaisePendingEventsAsync(Session session)
        => session.Backend is CookieCommitter { HasPendingEvents: true } committer ? new ValueTask(committer.RaisePendingAsync()) : ValueTask.CompletedTask;

    protected override async ValueTask<IReadOnlyList<SessionCookieChange>> CookieChangesAsync(HttpContext context, Session session)
    {
        // The cookie is the store: whatever the request holds now is committed into it (once) before it goes out.
        if (!session.IsCommitted)
        {
            await session.CommitAsync().ConfigureAwait(false);
        }

        var committer = (CookieCommitter)session.Backend;
        var name = Environment.Options.Cookie.EffectiveName;
        var changes = new List<SessionCookieChange>();
        if (committer.Value is { } value)
        {
            var lifetime = committer.Lifetime;
            var expires = CookieExpiry(lifetime, lifetime.ExpiresAt);
            var written = format.Chunk(name, value);
            foreach (var (cookie, chunk) in written)
            {
                changes.Add(new SessionCookieChange(cookie, chunk, expires));
            }

            foreach (var stale in committer.RequestCookieNames)
            {
                if (!written.Any(w => string.Equals(w.Key, stale, StringComparison.Ordinal)))
                {
                    changes.Add(new SessionCookieChange(stale, null, null));
                }
            }
        }
        else if (session.Id is null)
        {
            // Flushed, expired, tampered or foreign: drop every cookie of it.
            foreach (var stale in committer.RequestCookieNames)
            {
                changes.Add(new SessionCookieChange(stale, null, null));
            }
        }

        return changes;
    }

    /// <summary>
    /// One request's backend for the encrypted cookie: the commit protects the whole record into the value the
    /// response will carry. Nothing is loaded by key, nothing is stored on the server, and no user index exists.
    /// </summary>
    private sealed class CookieCommitter(CookieSessionStore format, SessionEnvironment environment, IReadOnlyList<string> requestCookieNames, SessionEventDispatcher events)
        : ISessionBackend
    {
        private (SessionId Id, string? UserKey)? _expired;

        public SessionEnvironment Environment => environment;

        /// <summary>Every request cookie of the session (base and chunks), to replace or delete.</summary>
        public IReadOnlyList<string> RequestCookieNames => requestCookieNames;

        /// <summary>The protected value to send, when the commit produced one.</summary>
        public string? Value { get; private set; }

        /// <summary>The lifetime inside <see cref="Value"/>.</summary>
        public SessionLifetime Lifetime { get; private set; }

        public Task<SessionLoadResult> LoadAsync(SessionId id)
            => throw new InvalidOperationException("The encrypted cookie carries the session; there is nothing to load by id.");

        /// <summary>Whether an expiry seen when the request opened is still to be reported.</summary>
        public bool HasPendingEvents => _expired is not null;

        /// <summary>The request presented an authentic cookie whose session has expired: reported once, later (Open is synchronous).</summary>
        public void NoteExpired(SessionId id, string? userKey) => _expired = (id, userKey);

        public Task RaisePendingAsync()
        {
            if (_expired is not { } expired)
            {
                return Task.CompletedTask;
            }

            _expired = null;
            return events.ExpiredOnRequestAsync(expired.Id, expired.UserKey, confirmed: true, environment.Now);
        }

        public async Task<bool> CommitAsync(SessionCommit commit)
        {
            await RaisePendingAsync().ConfigureAwait(false);
            var now = commit.Now;

            // Only a session that changed or whose expiry slid is re-sent; the cookie store keeps nothing to end or move.
            var written = false;
            if (commit.Id is { } id && (commit.IsModified || commit.Touched))
            {
                var lifetime = commit.Lifetime;
                if (commit.IsModified)
                {
                    // A save slides the idle window, as it does in every server-side store.
                    lifetime = lifetime.Touch(now, 0) ?? lifetime;
                }

                var record = new SessionRecord(
                    commit.Values(),
                    commit.Record?.CreatedAt ?? now,
                    lifetime,
                    (commit.Persisted ? commit.Record?.Version ?? 0 : 0) + 1,
                    commit.UserKey);
                Value = format.Protect(id, record);
                Lifetime = lifetime;
                written = true;
            }

            if (events.IsEnabled && commit.IsModified)
            {
                await RaiseCommitEventsAsync(commit, written, now).ConfigureAwait(false);
            }

            return written;
        }

        // The response now carries the change: a flushed session's cookies are deleted, a cycled one's replaced, a new one's set.
        private async Task RaiseCommitEventsAsync(SessionCommit commit, bool written, DateTimeOffset now)
        {
            if (commit.EndId is { } ended)
            {
                await events.FlushedAsync(ended, commit.LoadedUserKey, now).ConfigureAwait(false);
            }

            if (!written)
            {
                return;
            }

            if (commit.CycleFrom is { } from)
            {
                await events.IdCycledAsync(from, commit.Id!, commit.UserKey, now).ConfigureAwait(false);
            }
            else if (!commit.Persisted)
            {
                await events.CreatedAsync(commit.Id!, commit.UserKey, now).ConfigureAwait(false);
            }
        }

        // The session travels in the cookie: it is read whole with the request.
        public bool SupportsKeyReads => false;

        public Task<SessionLoadResult> LoadKeysAsync(SessionId id, IReadOnlyCollection<string> keys)
            => throw new InvalidOperationException("The encrypted cookie carries the session; there is nothing to load by id.");

        // The session travels in the cookie: it is read with the request, so there is no load to save.
        public bool SupportsBlindWrites => false;

        public Task<SessionBlindWriteResult> SaveBlindAsync(SessionId id, SessionChangeSet changes)
            => throw new NotSupportedException("The encrypted cookie has no blind writes: its session is read with the request.");

        public Task<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken)
            => throw new NotSupportedException(
                "The cookie session store cannot find a user's sessions: it keeps nothing on the server (it does not implement ISessionUserIndex).");
    }
}
