using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TypedSessions.Storage;

namespace TypedSessions.Redis;

/// <summary>
/// Sessions in Redis: one hash per session under <c>{prefix}{sha256-hex}</c>, with a field per session
/// key (<c>v:{key}</c>, the MessagePack bytes as they are) plus metadata fields (<c>@c</c> created,
/// <c>@e</c> expires, <c>@a</c> absolute cap, <c>@i</c> idle window, <c>@m</c> expiry mode,
/// <c>@v</c> version, <c>@u</c> user key, <c>@f</c> a Redis Cluster cycle's fence while it moves the session;
/// instants and windows in Unix milliseconds).
/// </summary>
/// <remarks>
/// <para>Every operation but <see cref="CycleAsync"/> is one round trip touching one key: load (and touch
/// when due), create, save, end and touch are Lua scripts that run atomically on the server; delete is
/// <c>DEL</c>. A save checks the expected values and applies the change set (clear, removals, sets,
/// lifetime, user key) and sets the TTL in one script, so concurrent saves of different keys never lose
/// each other's writes. On a single server a cycle is one script on the old key, the new key and the user's index.
/// On Redis Cluster (detected from the connection) those keys are in different hash slots, so a cycle runs in
/// single-key steps: read the session checking the change set and fence it (field <c>@f</c>: every save, blind save
/// and other cycle of the old key answers <see cref="SessionWriteOutcome.Conflict"/>, nothing written, until the cycle
/// buried it or 10 s passed), write the moved copy under the new key, index it, and bury the old key only if its
/// version is unchanged since the read; a save that still reached the old key in between (a fence that expired) makes
/// the cycle discard the copy and start again, so no acknowledged write is lost. Without the fence, a steady stream of
/// writes to the old key could make every attempt start again and the sign-in fail.</para>
/// <para>A tombstone (left by <see cref="CycleAsync"/> and <see cref="EndAsync"/>) is a hash holding only
/// <c>@t</c> (when it was made) and <c>@e</c> (its end), with the key's TTL at that end; the scripts
/// never load, touch, save, cycle, revoke or create over it while it lasts.</para>
/// <para>The key's TTL follows the session's expiry: it is set to <c>ExpiresAt - now</c> with the
/// <c>now</c> of the call, so Redis drops sessions by itself (<see cref="SessionStoreCapabilities.NativeExpiry"/>);
/// the scripts still compare the stored expiry with <c>now</c>, so an expired session is absent even
/// before Redis evicts it. <see cref="DeleteExpiredAsync"/> exists for tools and tests, scanning with
/// <c>SCAN</c> on every primary.</para>
/// <para>User index ("log out everywhere", <see cref="RevokeUserAsync"/>): binding a session to a user
/// also adds the session's store key to a sorted set <c>{prefix}user:{userKey}</c>, scored by the
/// session's absolute expiry (<c>+inf</c> when the binding save does not carry it). The index is its own
/// key, updated by its own single-key script in the same pipeline as, and just before, the session's
/// script of a create or save, so those commands touch one key each; it is not atomic with the session
/// write. A cycle moves the session's entry to its new key inside the cycle script. The index scripts
/// drop members whose score has passed and set the set's TTL to its latest score (none while a member
/// has no cap). Entries are hints: a revoke deletes a listed session only if its hash still names that
/// user (a script on the session's key; a tombstone names nobody), so stale entries (sessions re-bound,
/// unbound, ended or expired) are harmless, and it removes exactly the members it read, so a binding
/// made while a revoke runs survives it.</para>
/// </remarks>
public sealed class RedisSessionStore : ISessionStore, ISessionBlindWriter, ISessionKeyReader, ISessionUserIndex, ISessionUserListing, ISessionStoreStatistics, ISessionStoreHealth, IAsyncDisposable, IDisposable
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "Redis";

    private const string ValuePrefix = "v:";

    private const string UserIndexInfix = "user:";

    // The cycle script's ARGV[17] (0-based 16): whether ARGV[18] names the moved session's user.
    private const int CycleUserFlag = 16;

    // The cycle script's answer when the moved session is bound to another user than the call named (4 is TooLarge).
    private const long CycleOtherUser = 5;

    private const int MaxCycleAttempts = 5;

    // The most session keys LoadKeysAsync reads by name in one HMGET (Lua's unpack has a stack limit of about 8,000).
    private const int MaxKeysPerRead = 1000;

    // How long a Redis Cluster cycle holds the old hash against writes (the @f fence) at most: longer than its steps
    // take, short enough that writes resume soon if the cycling process dies between them.
    private const long CycleFenceMs = 10_000;

    private readonly string? _configuration;
    private readonly string _prefix;
    private readonly int _database;
    private readonly int _batchSize;
    private readonly int _waitForReplicas;
    private readonly long _replicaWaitMs;
    private readonly SessionEnvelopeLimits _limits;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly SemaphoreSlim _writeConnectGate = new(1, 1);
    private readonly bool _ownsConnection;
    private IConnectionMultiplexer? _connection;
    private ConnectionMultiplexer? _writeConnection;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Connection, key prefix and limits.</param>
    /// <param name="connection">A connection to reuse (e.g. the app's, from the service container); the store does not dispose it. When <see langword="null"/>, the store connects with <see cref="RedisSessionStoreOptions.ConnectionString"/> on first use.</param>
    public RedisSessionStore(IOptions<RedisSessionStoreOptions> options, IConnectionMultiplexer? connection = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (connection is null && string.IsNullOrWhiteSpace(value.ConnectionString))
        {
            throw new InvalidOperationException(
                "RedisSessionStoreOptions has no connection: set TypedSessions:ConnectionString or RedisSessionStoreOptions.ConnectionString, or register an IConnectionMultiplexer.");
        }

        ArgumentNullException.ThrowIfNull(value.KeyPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(value.CleanupBatchSize, 1);
        _connection = connection;
        _ownsConnection = connection is null;
        _configuration = value.ConnectionString;
        _prefix = value.KeyPrefix;
        _database = value.Database;
        _batchSize = value.CleanupBatchSize;
        ArgumentOutOfRangeException.ThrowIfNegative(value.WaitForReplicas);
        ArgumentOutOfRangeException.ThrowIfLessThan(value.ReplicaWaitTimeout, TimeSpan.FromMilliseconds(1));
        _waitForReplicas = value.WaitForReplicas;
        _replicaWaitMs = (long)value.ReplicaWaitTimeout.TotalMilliseconds;
        _limits = value.Limits;
    }

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.NativeExpiry | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.NeverBlocksCaller | SessionStoreCapabilities.BlindWrites | SessionStoreCapabilities.KeyReads;

    /// <summary>The prefix of every session key.</summary>
    public string KeyPrefix => _prefix;

    /// <summary>The Redis key holding the session with store key <paramref name="key"/>.</summary>
    /// <param name="key">The hashed session id.</param>
    /// <returns>The Redis key.</returns>
    public RedisKey RedisKeyFor(string key)
    {
        SessionStoreKey.ThrowIfInvalid(key);
        return _prefix + key;
    }

    /// <inheritdoc/>
    public async ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        var redisKey = RedisKeyFor(key);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        return LoadResult(await database.ScriptEvaluateAsync(RedisScripts.Load, [redisKey], [Ms(request.Now), Threshold(request)]).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One script, as <see cref="LoadAsync"/>, that reads the metadata fields and the asked-for value fields with one
    /// <c>HMGET</c> instead of <c>HGETALL</c>: only those values cross the network. More than 1,000 names load the
    /// whole session and keep those.
    /// </remarks>
    public async ValueTask<SessionLoadResult> LoadKeysAsync(string key, IReadOnlyCollection<string> names, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count > MaxKeysPerRead)
        {
            var whole = await LoadAsync(key, request, cancellationToken).ConfigureAwait(false);
            return whole.Record is { } loaded ? whole with { Record = loaded.WithOnly(names) } : whole;
        }

        var redisKey = RedisKeyFor(key);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var args = new RedisValue[2 + names.Count];
        args[0] = Ms(request.Now);
        args[1] = Threshold(request);
        var i = 2;
        foreach (var name in names)
        {
            args[i++] = ValuePrefix + name;
        }

        return LoadResult(await database.ScriptEvaluateAsync(RedisScripts.LoadKeys, [redisKey], args).ConfigureAwait(false));
    }

    // The touch threshold as the load scripts read it ('' for none).
    private static RedisValue Threshold(SessionLoadRequest request)
        => request.TouchThreshold is { } t ? t.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    // The answer of the load scripts (RedisScripts.Load, LoadKeys): nil, { 2 } for a tombstone, or { touched, fields }.
    private SessionLoadResult LoadResult(RedisResult result)
    {
        if (result.IsNull)
        {
            return SessionLoadResult.NotFound;
        }

        var parts = (RedisResult[])result!;
        if ((long)parts[0] == 2)
        {
            return SessionLoadResult.Superseded;
        }

        return new SessionLoadResult(Parse((RedisResult[])parts[1]!), (long)parts[0] == 1);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var redisKey = RedisKeyFor(key);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var lifetime = record.Lifetime;
        var args = new List<RedisValue>(16 + (2 * record.Values.Count))
        {
            Ms(record.CreatedAt),
            Ms(lifetime.ExpiresAt),
            "@c", Ms(record.CreatedAt),
            "@e", Ms(lifetime.ExpiresAt),
            "@m", (int)lifetime.Mode,
            "@v", record.Version,
        };
        if (lifetime.AbsoluteExpiresAt is { } absolute)
        {
            args.Add("@a");
            args.Add(Ms(absolute));
        }

        if (lifetime.IdleTimeout is { } idle)
        {
            args.Add("@i");
            args.Add((long)idle.TotalMilliseconds);
        }

        if (record.UserKey is { } user)
        {
            args.Add("@u");
            args.Add(user);
        }

        foreach (var (name, value) in record.Values)
        {
            args.Add(ValuePrefix + name);
            args.Add(value);
        }

        var index = record.UserKey is { } bound ? IndexAsync(database, bound, key, record.CreatedAt, lifetime.AbsoluteExpiresAt) : null;
        var call = database.ScriptEvaluateAsync(RedisScripts.Create, [redisKey], [.. args]);
        if (index is not null)
        {
            // Both observed: a failure of either is the operation's failure.
            await Task.WhenAll(index, call).ConfigureAwait(false);
        }

        var result = await call.ConfigureAwait(false);
        if ((long)result != 1)
        {
            return false;
        }

        await ReplicatedAsync(database, record.UserKey is { } boundTo ? [redisKey, UserIndexKeyFor(boundTo)] : [redisKey]).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var redisKey = RedisKeyFor(key);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var args = ChangeSetArguments(changes, _limits.MaxKeys, []);
        var index = changes is { UserKeyChanged: true, UserKey: { } bound } ? IndexAsync(database, bound, key, changes.Now, changes.Lifetime?.AbsoluteExpiresAt) : null;
        var call = database.ScriptEvaluateAsync(RedisScripts.Save, [redisKey], [.. args]);
        if (index is not null)
        {
            // Both observed: a failure of either is the operation's failure.
            await Task.WhenAll(index, call).ConfigureAwait(false);
        }

        var outcome = Outcome((long)await call.ConfigureAwait(false));
        if (outcome == SessionWriteOutcome.Applied)
        {
            await ReplicatedAsync(database, changes is { UserKeyChanged: true, UserKey: { } boundTo } ? [redisKey, UserIndexKeyFor(boundTo)] : [redisKey]).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One script on the session's key, as <see cref="SaveAsync"/>, that also sums the sizes of the stored values
    /// (inside Redis: nothing but the change set crosses the network) and returns the lifetime it left.
    /// </remarks>
    public async ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UserKeyChanged)
        {
            throw new ArgumentException("A blind save changes values only: no user binding.", nameof(changes));
        }

        var redisKey = RedisKeyFor(key);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var reply = (RedisResult[])(await database.ScriptEvaluateAsync(RedisScripts.SaveBlind, [redisKey], [.. ChangeSetArguments(changes, _limits.MaxKeys, [maxSize])]).ConfigureAwait(false))!;
        var code = (long)reply[0];
        if (code == 4)
        {
            return new SessionBlindWriteResult(SessionWriteOutcome.TooLarge, null);
        }

        var outcome = Outcome(code);
        if (outcome != SessionWriteOutcome.Applied)
        {
            return new SessionBlindWriteResult(outcome, null);
        }

        await ReplicatedAsync(database, [redisKey]).ConfigureAwait(false);
        try
        {
            var expires = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)reply[1]!, CultureInfo.InvariantCulture));
            var absolute = (string?)reply[2] is { Length: > 0 } a ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(a, CultureInfo.InvariantCulture)) : (DateTimeOffset?)null;
            var idle = (string?)reply[3] is { Length: > 0 } i ? long.Parse(i, CultureInfo.InvariantCulture) : (long?)null;
            var mode = long.Parse((string)reply[4]!, CultureInfo.InvariantCulture);
            return new SessionBlindWriteResult(SessionWriteOutcome.Applied, SessionRecordDecoder.DecodeLifetime(mode, expires, absolute, idle));
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException or ArgumentNullException)
        {
            throw new SessionDataException("A stored session's expiry metadata is unreadable.", ex);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One script on both keys (and on the index of the user the moved session is bound to): it checks the session
    /// stored now (live, not a tombstone, expected values), renames its hash to the new key, applies the change set
    /// there as <see cref="SaveAsync"/> does, leaves a tombstone under the old key and, in the user's index, replaces
    /// the old store key by the new one. The script needs that index key up front: when the change set does not say
    /// whom the session is bound to, the first call assumes nobody and, for a bound session, the script writes nothing
    /// and names the stored user, so a second call does the cycle. On Redis Cluster, where the keys are in different
    /// hash slots, the cycle runs in single-key steps instead (see the class remarks); a failure between its steps leaves
    /// the old session as it was and, at worst, a copy under the new key that no client holds, which expires.
    /// </remarks>
    public async ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var redisKey = RedisKeyFor(key);
        var newRedisKey = RedisKeyFor(newKey);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var user = changes.UserKeyChanged ? changes.UserKey : null;
        var args = ChangeSetArguments(changes, _limits.MaxKeys, [Ms(tombstoneExpiresAt), key, newKey, RedisValue.Null, RedisValue.Null]);
        if (await IsClusterAsync(cancellationToken).ConfigureAwait(false))
        {
            return await CycleInStepsAsync(database, key, newKey, changes, args, tombstoneExpiresAt, cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            args[CycleUserFlag] = user is null ? "0" : "1";
            args[CycleUserFlag + 1] = user ?? string.Empty;
            RedisKey[] keys = user is null ? [redisKey, newRedisKey] : [redisKey, newRedisKey, UserIndexKeyFor(user)];
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(RedisScripts.Cycle, keys, [.. args]).ConfigureAwait(false))!;
            var code = (long)result[0];
            if (code != CycleOtherUser)
            {
                if (code == 0)
                {
                    await ReplicatedAsync(database, [newRedisKey]).ConfigureAwait(false);
                }

                return Outcome(code);
            }

            // The session is bound to another user than assumed (re-bound meanwhile, or not named by the change set).
            if (attempt == MaxCycleAttempts)
            {
                throw new SessionStoreException($"The session's user binding changed under each of {MaxCycleAttempts} cycle attempts.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            user = result.Length > 1 ? (string?)result[1] : null;
        }
    }

    // Redis Cluster: the old key, the new key and the user's index are in different hash slots, so no one script can
    // touch them all. The cycle reads the session (checking the change set), writes the copy with the change set
    // applied under the new key, indexes it, and buries the old key only if its version is still the one read; a
    // write that reached the old key in between makes the cycle drop the copy and start again, so no write is lost.
    // A failure after the copy was written leaves it in place (a bury whose answer was lost may have run, and then the
    // copy is the session); a copy under an id no client holds expires by its TTL.
    private async Task<SessionWriteOutcome> CycleInStepsAsync(IDatabase database, string key, string newKey, SessionChangeSet changes, List<RedisValue> args, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken)
    {
        var redisKey = RedisKeyFor(key);
        var newRedisKey = RedisKeyFor(newKey);
        // The single script's user-index arguments; the steps find the binding themselves.
        args[CycleUserFlag] = "0";
        args[CycleUserFlag + 1] = string.Empty;
        var changeSetLength = args.Count;
        for (var attempt = 1; ; attempt++)
        {
            var read = (RedisResult[])(await database.ScriptEvaluateAsync(RedisScripts.ClusterCycleRead, [redisKey], [.. args, CycleFenceMs]).ConfigureAwait(false))!;
            var code = (long)read[0];
            if (code != 0)
            {
                return Outcome(code);
            }

            var fields = (RedisResult[])read[1]!;
            RedisValue version = RedisValue.Null;
            string? storedUser = null;
            DateTimeOffset? storedCap = null;
            args.RemoveRange(changeSetLength, args.Count - changeSetLength);
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                var field = (RedisValue)fields[i];
                var value = (RedisValue)fields[i + 1];
                if (field == "@f")
                {
                    // The fence stays with the old hash; the copy is open to writes.
                    continue;
                }

                args.Add(field);
                args.Add(value);
                if (field == "@v")
                {
                    version = value;
                }
                else if (field == "@u")
                {
                    storedUser = value;
                }
                else if (field == "@a" && long.TryParse((string?)value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cap))
                {
                    storedCap = DateTimeOffset.FromUnixTimeMilliseconds(cap);
                }
            }

            var written = (long)await database.ScriptEvaluateAsync(RedisScripts.ClusterCycleWrite, [newRedisKey], [.. args]).ConfigureAwait(false);
            if (written != 0)
            {
                return Outcome(written);
            }

            // A failure from here on leaves the copy where it is: a bury whose answer was lost may have run, and then the
            // copy is the session. A copy no client holds expires by its TTL.
            var user = changes.UserKeyChanged ? changes.UserKey : storedUser;
            if (user is not null)
            {
                var absolute = changes.Lifetime is { } lifetime ? lifetime.AbsoluteExpiresAt : storedCap;
                await IndexAsync(database, user, newKey, changes.Now, absolute).ConfigureAwait(false);
            }

            // WaitForReplicas: the copy (and its index entry) must be on the replicas before the old key is buried, or a
            // failover right after the bury could lose both.
            await ReplicatedAsync(database, user is not null ? [newRedisKey, UserIndexKeyFor(user)] : [newRedisKey]).ConfigureAwait(false);
            var buried = (long)await database.ScriptEvaluateAsync(RedisScripts.ClusterCycleBury, [redisKey], [Ms(changes.Now), Ms(tombstoneExpiresAt), version]).ConfigureAwait(false);
            if (buried == 0)
            {
                if (storedUser is not null)
                {
                    await database.SortedSetRemoveAsync(UserIndexKeyFor(storedUser), key).ConfigureAwait(false);
                }

                await ReplicatedAsync(database, [redisKey]).ConfigureAwait(false);
                return SessionWriteOutcome.Applied;
            }

            await database.KeyDeleteAsync(newRedisKey).ConfigureAwait(false);
            if (buried != 3)
            {
                return Outcome(buried);
            }

            if (attempt == MaxCycleAttempts)
            {
                throw new SessionStoreException($"The session was written to under each of {MaxCycleAttempts} cycle attempts.");
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // WaitForReplicas: a WAIT on each primary the write reached, on the connection that sent the write (the
    // multiplexer's one interactive connection per server, so the WAIT follows the write and covers it).
    private async Task ReplicatedAsync(IDatabase database, RedisKey[] keys)
    {
        if (_waitForReplicas == 0)
        {
            return;
        }

        var connection = database.Multiplexer;
        var primaries = keys.Select(k => connection.GetServer(k)).DistinctBy(s => s.EndPoint).ToList();
        var waits = primaries.Select(s => s.ExecuteAsync("WAIT", _waitForReplicas, _replicaWaitMs)).ToList();
        foreach (var wait in waits)
        {
            var confirmed = (long)await wait.ConfigureAwait(false);
            if (confirmed < _waitForReplicas)
            {
                throw new SessionStoreException(
                    $"A session write was confirmed by {confirmed} of the {_waitForReplicas} replicas RedisSessionStoreOptions.WaitForReplicas asks for within {_replicaWaitMs} ms; it may still be on the primary only.");
            }
        }
    }

    private async ValueTask<bool> IsClusterAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return connection.GetServers().Any(s => s.ServerType == ServerType.Cluster);
    }

    /// <inheritdoc/>
    /// <remarks>One script: the hash of a live session is replaced by a tombstone hash whose TTL ends at <paramref name="tombstoneExpiresAt"/>.</remarks>
    public async ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        var redisKey = RedisKeyFor(key);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(RedisScripts.End, [redisKey], [Ms(now), Ms(tombstoneExpiresAt)]).ConfigureAwait(false);
        var outcome = Outcome((long)result);
        if (outcome == SessionWriteOutcome.Applied)
        {
            await ReplicatedAsync(database, [redisKey]).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        var redisKey = RedisKeyFor(key);
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(RedisScripts.Touch, [redisKey], [Ms(now), threshold.ToString("R", CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var redisKey = RedisKeyFor(key);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await database.KeyDeleteAsync(redisKey).ConfigureAwait(false);
        await ReplicatedAsync(database, [redisKey]).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Redis expires sessions by itself; this exists for tools and for instants other than the server's
    /// clock. It scans the key prefix on every primary (<c>SCAN</c>, <see cref="RedisSessionStoreOptions.CleanupBatchSize"/>
    /// keys a page) and, per page, sends one pipelined script per key that deletes it only if its stored
    /// expiry has passed. <see cref="SessionCleanupProgress.Total"/> is <see langword="null"/> until the end:
    /// Redis cannot count expired sessions cheaply.
    /// </remarks>
    public async ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var nowMs = Ms(now);
        long deleted = 0;
        progress?.Report(new SessionCleanupProgress(0, null));
        await foreach (var page in SessionKeyPagesAsync(cancellationToken).ConfigureAwait(false))
        {
            deleted += await SumAsync(page.Select(k => database.ScriptEvaluateAsync(RedisScripts.DeleteIfExpired, [k], [nowMs])).ToList()).ConfigureAwait(false);
            progress?.Report(new SessionCleanupProgress(deleted, null));
        }

        progress?.Report(new SessionCleanupProgress(deleted, deleted));
        return deleted;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Scans the key prefix on every primary (<c>SCAN</c>, never <c>KEYS</c>;
    /// <see cref="RedisSessionStoreOptions.CleanupBatchSize"/> keys a page) and, per page, sends one
    /// pipelined read-only script per session that returns its stored expiry and the bytes of its keys and
    /// values (the <c>v:</c> fields without their prefix; metadata fields are not counted). Hashes without a
    /// readable expiry are not counted, nor are live tombstones. Expired sessions are normally gone already (Redis drops them by
    /// TTL), so <see cref="SessionStoreStatistics.Expired"/> is usually 0.
    /// </remarks>
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var nowMs = Ms(now);
        var sizes = new List<long>();
        long expired = 0;
        await foreach (var page in SessionKeyPagesAsync(cancellationToken).ConfigureAwait(false))
        {
            var calls = page.Select(k => database.ScriptEvaluateAsync(RedisScripts.Size, [k])).ToList();
            foreach (var call in calls)
            {
                var result = await call.ConfigureAwait(false);
                if (result.IsNull || (RedisResult[]?)result is not [var expiry, var size, var tombstone]
                    || !long.TryParse((string?)expiry, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expiresAt))
                {
                    continue;
                }

                if (expiresAt <= nowMs)
                {
                    expired++;
                }
                else if ((long)tombstone == 0)
                {
                    sizes.Add((long)size);
                }
            }
        }

        var summary = SessionSizeSummary.FromSizes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sizes));
        return new SessionStoreStatistics(sizes.Count, expired, summary);
    }

    /// <summary>The Redis key of the index of sessions bound to <paramref name="userKey"/>.</summary>
    /// <param name="userKey">The user key.</param>
    /// <returns>The Redis key.</returns>
    public RedisKey UserIndexKeyFor(string userKey)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        return _prefix + UserIndexInfix + userKey;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads the user's index, deletes each listed session whose hash still names the user (one
    /// single-key script per session, pipelined), then removes the members it read from the index.
    /// </remarks>
    public async ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        var indexKey = UserIndexKeyFor(userKey);
        var database = await WriteDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var members = await database.SortedSetRangeByRankAsync(indexKey).ConfigureAwait(false);
        if (members.Length == 0)
        {
            return 0;
        }

        var calls = new List<Task<RedisResult>>(members.Length);
        var touched = new List<RedisKey>(members.Length + 1) { indexKey };
        foreach (var member in members)
        {
            var key = (string?)member;
            if (!SessionStoreKey.IsValid(key))
            {
                continue;
            }

            touched.Add(_prefix + key);
            calls.Add(database.ScriptEvaluateAsync(RedisScripts.Revoke, [_prefix + key], [userKey]));
        }

        var deleted = await SumAsync(calls).ConfigureAwait(false);
        await database.SortedSetRemoveAsync(indexKey, members).ConfigureAwait(false);
        await ReplicatedAsync(database, [.. touched]).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc/>
    /// <remarks>The user's index, members whose score (the session's absolute end) has not passed; entries are hints.</remarks>
    public async ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var members = await database.SortedSetRangeByScoreAsync(UserIndexKeyFor(userKey), start: now.ToUnixTimeMilliseconds(), exclude: Exclude.Start).ConfigureAwait(false);
        return members.Select(m => (string?)m).Where(k => k is not null && SessionStoreKey.IsValid(k)).Select(k => k!).ToList();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A <c>PING</c> on the connection the sessions use (connecting first, as every store call does). It fails while no
    /// server is reachable; with Redis Cluster it reaches one node, not every primary.
    /// </remarks>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        await database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection when the store opened it.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection && _connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_writeConnection is { } writes)
        {
            await writes.DisposeAsync().ConfigureAwait(false);
        }

        _connectGate.Dispose();
        _writeConnectGate.Dispose();
    }

    /// <summary>Closes the connection when the store opened it.</summary>
    public void Dispose()
    {
        if (_ownsConnection)
        {
            _connection?.Dispose();
        }

        _writeConnection?.Dispose();
        _connectGate.Dispose();
        _writeConnectGate.Dispose();
    }

    // The change set as the save and cycle scripts read it (RedisScripts.ChangeSet): a 13-value header (the last is
    // the most keys the session may hold after the write), the caller's own header values, then removed fields, set
    // field/value pairs and expectations.
    private static List<RedisValue> ChangeSetArguments(SessionChangeSet changes, int maxKeys, ReadOnlySpan<RedisValue> extra)
    {
        var lifetime = changes.Lifetime;
        var args = new List<RedisValue>(13 + extra.Length + changes.RemovedKeys.Count + (2 * changes.SetValues.Count) + (3 * changes.ExpectedValues.Count))
        {
            Ms(changes.Now),
            changes.ClearAll ? "1" : "0",
            changes.RemovedKeys.Count,
            changes.SetValues.Count,
            lifetime.HasValue ? "1" : "0",
            lifetime is { } l1 ? Ms(l1.ExpiresAt) : RedisValue.EmptyString,
            lifetime is { AbsoluteExpiresAt: { } absolute } ? Ms(absolute) : RedisValue.EmptyString,
            lifetime is { IdleTimeout: { } idle } ? (long)idle.TotalMilliseconds : RedisValue.EmptyString,
            lifetime is { } l2 ? (int)l2.Mode : RedisValue.EmptyString,
            !changes.UserKeyChanged ? "0" : changes.UserKey is null ? "2" : "1",
            changes.UserKey ?? string.Empty,
            changes.ExpectedValues.Count,
            maxKeys,
        };
        foreach (var value in extra)
        {
            args.Add(value);
        }

        foreach (var name in changes.RemovedKeys)
        {
            args.Add(ValuePrefix + name);
        }

        foreach (var (name, value) in changes.SetValues)
        {
            args.Add(ValuePrefix + name);
            args.Add(value);
        }

        foreach (var (name, expected) in changes.ExpectedValues)
        {
            args.Add(ValuePrefix + name);
            args.Add(expected is null ? "0" : "1");
            args.Add(expected is null ? RedisValue.EmptyString : (RedisValue)expected);
        }

        return args;
    }

    private static SessionWriteOutcome Outcome(long code) => code switch
    {
        0 => SessionWriteOutcome.Applied,
        1 => SessionWriteOutcome.NotFound,
        2 => SessionWriteOutcome.Superseded,
        3 => SessionWriteOutcome.Conflict,
        4 => SessionWriteOutcome.TooLarge,
        _ => throw new SessionStoreException($"A Redis session script returned an unknown outcome ({code})."),
    };

    private Task<RedisResult> IndexAsync(IDatabase database, string userKey, string key, DateTimeOffset now, DateTimeOffset? cap)
        => database.ScriptEvaluateAsync(RedisScripts.Index, [UserIndexKeyFor(userKey)], [Ms(now), cap is { } c ? Ms(c).ToString(CultureInfo.InvariantCulture) : "inf", key]);

    // The sum of the answers of pipelined scripts that each return a count.
    private static async Task<long> SumAsync(List<Task<RedisResult>> calls)
    {
        long sum = 0;
        foreach (var call in calls)
        {
            sum += (long)await call.ConfigureAwait(false);
        }

        return sum;
    }

    // Every session key under the prefix, SCAN-ned on every primary (never KEYS) in pages of CleanupBatchSize keys;
    // user indexes share the prefix and are skipped (they expire by their own TTL). A page is reused after the caller
    // has handled it.
    private async IAsyncEnumerable<List<RedisKey>> SessionKeyPagesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var database = connection.GetDatabase(_database).Database;
        var pattern = EscapeGlob(_prefix) + "*";
        var page = new List<RedisKey>(_batchSize);
        foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var redisKey in server.KeysAsync(database, pattern, _batchSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!IsSessionKey(redisKey))
                {
                    continue;
                }

                page.Add(redisKey);
                if (page.Count == _batchSize)
                {
                    yield return page;
                    page.Clear();
                }
            }

            if (page.Count > 0)
            {
                yield return page;
                page.Clear();
            }
        }
    }

    private bool IsSessionKey(RedisKey redisKey)
    {
        var text = (string?)redisKey;
        return text is not null && text.StartsWith(_prefix, StringComparison.Ordinal) && SessionStoreKey.IsValid(text.AsSpan(_prefix.Length));
    }

    // WaitForReplicas: writes and their WAITs go over a connection of the store's own, because WAIT blocks the connection
    // it is sent on and StackExchange.Redis sends every command for a server over one connection; loads, touches and
    // scans stay on the main one, so a slow replica holds up writes only.
    private async ValueTask<IDatabase> WriteDatabaseAsync(CancellationToken cancellationToken)
    {
        if (_waitForReplicas == 0)
        {
            return await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_writeConnection is { } existing)
        {
            return existing.GetDatabase(_database);
        }

        var main = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await _writeConnectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_writeConnection is { } raced)
            {
                return raced.GetDatabase(_database);
            }

            var text = _configuration ?? main.Configuration;
            var configuration = ConfigurationOptions.Parse(text);
            if (!text.Contains("abortConnect", StringComparison.OrdinalIgnoreCase))
            {
                configuration.AbortOnConnectFail = false;
            }

            _writeConnection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            return _writeConnection.GetDatabase(_database);
        }
        finally
        {
            _writeConnectGate.Release();
        }
    }

    private async ValueTask<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
        => (await ConnectAsync(cancellationToken).ConfigureAwait(false)).GetDatabase(_database);

    private async ValueTask<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { } raced)
            {
                return raced;
            }

            var configuration = ConfigurationOptions.Parse(_configuration!);
            if (!_configuration!.Contains("abortConnect", StringComparison.OrdinalIgnoreCase))
            {
                configuration.AbortOnConnectFail = false;
            }

            _connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            return _connection;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private SessionRecord Parse(RedisResult[] flat)
    {
        if (flat.Length % 2 != 0)
        {
            throw new SessionDataException("Stored session hash has an odd number of elements.");
        }

        long? created = null, expires = null, absolute = null, idle = null, mode = null, version = null;
        string? userKey = null;
        var decoder = new SessionRecordDecoder(_limits);
        for (var i = 0; i < flat.Length; i += 2)
        {
            var field = (byte[]?)flat[i] ?? throw new SessionDataException("Stored session hash has a null field.");
            var value = (byte[]?)flat[i + 1] ?? [];
            if (field.Length >= 2 && field[0] == (byte)'v' && field[1] == (byte)':')
            {
                decoder.AddValue(field.AsSpan(2), value);
                continue;
            }

            switch (Encoding.ASCII.GetString(field))
            {
                case "@c": created = Number(value, "creation time"); break;
                case "@e": expires = Number(value, "expiry"); break;
                case "@a": absolute = Number(value, "absolute expiry"); break;
                case "@i": idle = Number(value, "idle timeout"); break;
                case "@m": mode = Number(value, "expiry mode"); break;
                case "@v": version = Number(value, "version"); break;
                case "@u": userKey = decoder.DecodeUserKey(value); break;
                case "@f": break; // a Redis Cluster cycle's fence (RedisScripts.ClusterCycleRead): the session reads as it is
                default: throw new SessionDataException("Stored session hash has an unknown field.");
            }
        }

        if (created is null || expires is null || mode is null || version is null)
        {
            throw new SessionDataException("Stored session hash lacks its metadata (creation, expiry, mode or version).");
        }

        DateTimeOffset createdAt, expiresAt;
        DateTimeOffset? absoluteAt;
        try
        {
            createdAt = DateTimeOffset.FromUnixTimeMilliseconds(created.Value);
            expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expires.Value);
            absoluteAt = absolute is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a) : null;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new SessionDataException("Stored session has an instant out of range.", ex);
        }

        return decoder.ToRecord(createdAt, SessionRecordDecoder.DecodeLifetime(mode.Value, expiresAt, absoluteAt, idle), version.Value, userKey);
    }

    private static long Number(byte[] value, string what)
        => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new SessionDataException($"Stored session has an unreadable {what}.");

    private static long Ms(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    private static string EscapeGlob(string value)
    {
        var builder = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
