using System.Diagnostics;
using Microsoft.AspNetCore.Http;
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
internal sealed class EncryptedCookieTransport(CookieSessionStore format, SessionEnvironment environment, SessionMetrics metrics, ILogger<EncryptedCookieTransport> logger)
    : SessionTransport(environment)
{
    public override Session Open(HttpContext context)
    {
        var name = Environment.Options.Cookie.EffectiveName;
        var started = Stopwatch.GetTimestamp();
        var read = format.Read(context.Request.Cookies, name);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var committer = new CookieCommitter(format, Environment, read.CookieNames);
        var session = new Session(committer, null);
        if (read.Failure is { } reason)
        {
            metrics.Operation("load", "corrupt", elapsed);
            SessionLog.CookieRejected(logger, reason);
            return session;
        }

        if (read.Id is not { } id)
        {
            return session;
        }

        // The expiry and the touch policy apply from inside the payload, as a server-side load would apply them.
        var result = SessionLoadResult.From(read.Record, new SessionLoadRequest(Environment.Now, Environment.Options.SlidingRefreshThreshold));
        metrics.Operation("load", "ok", elapsed);
        if (result.Record is { } record)
        {
            SessionLog.Loaded(logger, id.LogId, record.Values.Count, result.Touched);
            session.Adopt(id, result);
        }
        else
        {
            SessionLog.NotFound(logger, id.LogId);
        }

        return session;
    }

    public override Session OpenDisabled() => new(new CookieCommitter(format, Environment, []), null, disabled: true);

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
    private sealed class CookieCommitter(CookieSessionStore format, SessionEnvironment environment, IReadOnlyList<string> requestCookieNames) : ISessionBackend
    {
        public SessionEnvironment Environment => environment;

        /// <summary>Every request cookie of the session (base and chunks), to replace or delete.</summary>
        public IReadOnlyList<string> RequestCookieNames => requestCookieNames;

        /// <summary>The protected value to send, when the commit produced one.</summary>
        public string? Value { get; private set; }

        /// <summary>The lifetime inside <see cref="Value"/>.</summary>
        public SessionLifetime Lifetime { get; private set; }

        public Task<SessionLoadResult> LoadAsync(SessionId id)
            => throw new InvalidOperationException("The encrypted cookie carries the session; there is nothing to load by id.");

        public Task<bool> CommitAsync(SessionCommit commit)
        {
            // Only a session that changed or whose expiry slid is re-sent; the cookie store keeps nothing to end or move.
            if (commit.Id is not { } id || !(commit.IsModified || commit.Touched))
            {
                return Task.FromResult(false);
            }

            var now = commit.Now;
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
            return Task.FromResult(true);
        }

        public Task<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken)
            => throw new NotSupportedException(
                "The cookie session store cannot find a user's sessions: it keeps nothing on the server (it does not implement ISessionUserIndex).");
    }
}
