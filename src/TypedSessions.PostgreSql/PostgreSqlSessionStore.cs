using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using TypedSessions.Storage;

namespace TypedSessions.PostgreSql;

/// <summary>
/// Sessions in PostgreSQL: one row per session keyed by the 32-byte SHA-256 of the id, with the values
/// as two parallel arrays (keys as UTF-8 <c>bytea[]</c>, values as <c>bytea[]</c>) and the expiry in
/// indexed columns.
/// </summary>
/// <remarks>
/// <para>Every operation is one statement, so one round trip. A save, a cycle and an end first lock the row
/// (<c>SELECT ... FOR UPDATE</c> in a CTE: under READ COMMITTED it waits for a concurrent writer and returns the row
/// as that writer left it) and judge it there: gone or expired, a tombstone, or an expected value that differs
/// (the conflict check compares the stored <c>bytea</c>, or its absence, with each expected value). Only then do
/// the data-modifying CTEs of the same statement write: a save's <c>UPDATE</c> computes the new value arrays from
/// the row's current arrays, a cycle's <c>INSERT</c> writes the merged row under the new key and its <c>UPDATE</c>
/// turns the old row into a tombstone, an end's <c>UPDATE</c> does the latter alone. The statement returns which
/// <see cref="SessionWriteOutcome"/> it was. Concurrent saves to one session queue on the row lock and each merges
/// into what the previous one wrote, so writers of different keys never lose each other's changes. A load that is
/// due a touch is a data-modifying CTE that slides the expiry and returns the row in the same statement.</para>
/// <para>A tombstone is a row with <c>tombstone = true</c>, empty arrays, no user and no idle window, whose
/// <c>expires_at</c> is its end. Tables created before tombstones existed get the column from
/// <see cref="EnsureSchemaAsync"/> (or <see cref="GetSchemaScript"/>).</para>
/// <para>The schema is created on first use (guarded by an advisory lock so that several app
/// instances can start at once), or explicitly with <see cref="EnsureSchemaAsync"/>.</para>
/// </remarks>
public sealed class PostgreSqlSessionStore : ISessionStore, ISessionBlindWriter, ISessionUserIndex, ISessionUserListing, ISessionStoreStatistics, ISessionStoreHealth, IAsyncDisposable, IDisposable
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "PostgreSql";

    private const string EmptyArray = "'{}'::bytea[]";

    private const string Columns = "created_at, expires_at, absolute_expires_at, idle_timeout_ms, expiry_mode, version, user_key, value_keys, value_data";

    // What the save, cycle and end statements return besides a SessionWriteOutcome.
    private const int NewKeyTaken = 10;
    private const int Unexplained = 11;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _table;
    private readonly string _tableName;
    private readonly string? _schema;
    private readonly bool _createSchema;
    private readonly int _batchSize;
    private readonly SessionEnvelopeLimits _limits;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    private readonly string _loadSql;
    private readonly string _createSql;
    private readonly string _saveSql;
    private readonly string _saveBlindSql;
    private readonly string _cycleSql;
    private readonly string _endSql;
    private readonly string _touchSql;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Connection, table and limits.</param>
    /// <param name="fallbackDataSource">A data source to use when the options name no connection (e.g. one registered in the service container).</param>
    public PostgreSqlSessionStore(IOptions<PostgreSqlSessionStoreOptions> options, NpgsqlDataSource? fallbackDataSource = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (value.DataSource is { } given)
        {
            _dataSource = given;
        }
        else if (!string.IsNullOrWhiteSpace(value.ConnectionString))
        {
            _dataSource = NpgsqlDataSource.Create(value.ConnectionString);
            _ownsDataSource = true;
        }
        else
        {
            _dataSource = fallbackDataSource ?? throw new InvalidOperationException(
                "PostgreSqlSessionStoreOptions has no connection: set TypedSessions:ConnectionString, PostgreSqlSessionStoreOptions.ConnectionString or .DataSource, or register an NpgsqlDataSource.");
        }

        _tableName = CheckIdentifier(value.TableName, nameof(value.TableName), 48);
        _schema = value.Schema is null ? null : CheckIdentifier(value.Schema, nameof(value.Schema), 63);
        _table = (_schema is null ? string.Empty : Quote(_schema) + ".") + Quote(_tableName);
        ArgumentOutOfRangeException.ThrowIfLessThan(value.CleanupBatchSize, 1);
        _batchSize = value.CleanupBatchSize;
        _createSchema = value.CreateSchemaOnFirstUse;
        _limits = value.Limits;

        _loadSql = $"""
            WITH touched AS (
                UPDATE {_table} AS s SET expires_at = {Proposed("s")}
                WHERE s.key = @key AND s.expires_at > @now AND NOT s.tombstone AND @threshold IS NOT NULL AND s.idle_timeout_ms IS NOT NULL
                  AND {TouchDue("s")}
                RETURNING {Prefixed("s")}, true AS touched, false AS tombstone)
            SELECT * FROM touched
            UNION ALL
            SELECT {Columns}, false, tombstone FROM {_table} WHERE key = @key AND expires_at > @now AND NOT EXISTS (SELECT 1 FROM touched);
            """;
        _touchSql = $"""
            UPDATE {_table} AS s SET expires_at = {Proposed("s")}
            WHERE s.key = @key AND s.expires_at > @now AND NOT s.tombstone AND s.idle_timeout_ms IS NOT NULL
              AND {TouchDue("s")};
            """;

        // An expired row (an expired tombstone too) may be replaced; a live one (a live tombstone too) never.
        _createSql = $"""
            INSERT INTO {_table} AS s (key, {Columns}, tombstone)
            VALUES (@key, @created_at, @expires_at, @absolute_expires_at, @idle_timeout_ms, @expiry_mode, @version, @user_key, @value_keys, @value_data, false)
            ON CONFLICT (key) DO UPDATE SET {ReplaceWithExcluded}
            WHERE s.expires_at <= @now;
            """;

        // The row locked, as the last committed writer left it (FOR UPDATE re-reads it, or drops it when that writer
        // deleted it or it is expired now), with the conflict check and the key count check computed from it. The CTEs after it write only
        // when it allows; the final SELECT says what happened. A save reads the row's columns in its UPDATE; a cycle
        // takes them from here.
        string Locked(string columns) => $"""
            WITH cur AS MATERIALIZED (
                SELECT s.key, {columns}s.tombstone, {Conflict("s")} AS conflict, {TooMany("s")} AS too_many
                FROM {_table} AS s WHERE s.key = @key AND s.expires_at > @now
                FOR UPDATE)
            """;

        // The merge (SessionRecord.Apply), computed from s.* under the row lock.
        _saveSql = $"""
            {Locked(string.Empty)},
            saved AS (
                UPDATE {_table} AS s SET
                    (value_keys, value_data) = ({MergedArrays("s")}),
                    version = s.version + 1,
                    expires_at = {ExpiresAfterWrite("s")},
                    absolute_expires_at = CASE WHEN @has_lifetime THEN @absolute_expires_at ELSE s.absolute_expires_at END,
                    idle_timeout_ms = CASE WHEN @has_lifetime THEN @idle_timeout_ms ELSE s.idle_timeout_ms END,
                    expiry_mode = CASE WHEN @has_lifetime THEN @expiry_mode ELSE s.expiry_mode END,
                    user_key = CASE WHEN @user_key_changed THEN @user_key ELSE s.user_key END
                FROM cur
                WHERE s.key = cur.key AND NOT cur.tombstone AND NOT cur.conflict AND NOT cur.too_many
                RETURNING s.key)
            {Outcome("saved", null)}
            """;

        // A blind save: the same UPDATE, refused when the merged values would total more than @max_size bytes (UTF-8 keys
        // plus values, SessionRecord.PayloadSize); it returns the lifetime it left.
        _saveBlindSql = $"""
            {Locked($"({MergedSize("s")}) > @max_size AS too_large, ")},
            saved AS (
                UPDATE {_table} AS s SET
                    (value_keys, value_data) = ({MergedArrays("s")}),
                    version = s.version + 1,
                    expires_at = {ExpiresAfterWrite("s")}
                FROM cur
                WHERE s.key = cur.key AND NOT cur.tombstone AND NOT cur.conflict AND NOT cur.too_many AND NOT cur.too_large
                RETURNING s.expires_at, s.absolute_expires_at, s.idle_timeout_ms, s.expiry_mode)
            SELECT CASE WHEN v.expires_at IS NOT NULL THEN {(int)SessionWriteOutcome.Applied}
                        WHEN c.key IS NULL THEN {(int)SessionWriteOutcome.NotFound}
                        WHEN c.tombstone THEN {(int)SessionWriteOutcome.Superseded}
                        WHEN c.too_many OR c.too_large THEN {(int)SessionWriteOutcome.TooLarge}
                        ELSE {Unexplained} END,
                   v.expires_at, v.absolute_expires_at, v.idle_timeout_ms, v.expiry_mode
            FROM (VALUES (1)) AS one(x) LEFT JOIN cur AS c ON true LEFT JOIN saved AS v ON true;
            """;

        // The same merge from the locked row, inserted under the new key; the old row becomes the tombstone only when
        // the insert happened (a live row under the new key refuses both, and the statement reports it).
        _cycleSql = $"""
            {Locked(Prefixed("s") + ", ")},
            moved AS (
                INSERT INTO {_table} AS s (key, {Columns}, tombstone)
                SELECT @new_key, c.created_at, {ExpiresAfterWrite("c")},
                       CASE WHEN @has_lifetime THEN @absolute_expires_at ELSE c.absolute_expires_at END,
                       CASE WHEN @has_lifetime THEN @idle_timeout_ms ELSE c.idle_timeout_ms END,
                       CASE WHEN @has_lifetime THEN @expiry_mode ELSE c.expiry_mode END,
                       c.version + 1,
                       CASE WHEN @user_key_changed THEN @user_key ELSE c.user_key END,
                       m.value_keys, m.value_data, false
                FROM cur AS c CROSS JOIN LATERAL ({MergedArrays("c")}) AS m(value_keys, value_data)
                WHERE NOT c.tombstone AND NOT c.conflict AND NOT c.too_many
                ON CONFLICT (key) DO UPDATE SET {ReplaceWithExcluded}
                WHERE s.expires_at <= @now
                RETURNING s.key),
            ended AS (
                UPDATE {_table} AS s SET {TombstoneSet}
                FROM cur
                WHERE s.key = cur.key AND EXISTS (SELECT 1 FROM moved)
                RETURNING s.key)
            {Outcome("ended", "moved")}
            """;

        _endSql = $"""
            WITH cur AS MATERIALIZED (
                SELECT s.key, s.tombstone, false AS conflict, false AS too_many
                FROM {_table} AS s WHERE s.key = @key AND s.expires_at > @now
                FOR UPDATE),
            ended AS (
                UPDATE {_table} AS s SET {TombstoneSet}
                FROM cur
                WHERE s.key = cur.key AND NOT cur.tombstone
                RETURNING s.key)
            {Outcome("ended", null)}
            """;
    }

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.NeverBlocksCaller | SessionStoreCapabilities.BlindWrites;

    /// <summary>The schema-qualified, quoted table name.</summary>
    public string TableName => _table;

    // SessionRecord.Tombstone: no values, no user, no idle window (so that nothing slides it); it ends at @tombstone_expires_at.
    private static string TombstoneSet => $"""
        created_at = @now, expires_at = @tombstone_expires_at, absolute_expires_at = @tombstone_expires_at, idle_timeout_ms = NULL,
        expiry_mode = {(short)SessionExpiryMode.Absolute}, version = 0, user_key = NULL, value_keys = {EmptyArray}, value_data = {EmptyArray}, tombstone = true
        """;

    private static string ReplaceWithExcluded => """
        created_at = excluded.created_at, expires_at = excluded.expires_at,
        absolute_expires_at = excluded.absolute_expires_at, idle_timeout_ms = excluded.idle_timeout_ms,
        expiry_mode = excluded.expiry_mode, version = excluded.version, user_key = excluded.user_key,
        value_keys = excluded.value_keys, value_data = excluded.value_data, tombstone = excluded.tombstone
        """;

    /// <summary>
    /// The SQL that creates the table and its indexes, and adds the <c>tombstone</c> column to a table created by an
    /// earlier version (idempotent), for migration tools and DBAs.
    /// </summary>
    /// <returns>The script.</returns>
    public string GetSchemaScript()
    {
        return $"""
            CREATE TABLE IF NOT EXISTS {_table} (
                key bytea NOT NULL PRIMARY KEY,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                absolute_expires_at timestamptz NULL,
                idle_timeout_ms bigint NULL,
                expiry_mode smallint NOT NULL,
                version bigint NOT NULL,
                user_key text NULL,
                value_keys bytea[] NOT NULL,
                value_data bytea[] NOT NULL,
                tombstone boolean NOT NULL DEFAULT false
            );
            CREATE INDEX IF NOT EXISTS {Quote("ix_" + _tableName + "_expires_at")} ON {_table} (expires_at);
            CREATE INDEX IF NOT EXISTS {Quote("ix_" + _tableName + "_user_key")} ON {_table} (user_key) WHERE user_key IS NOT NULL;
            DO $typedsessions$
            BEGIN
                -- A table created before tombstones existed. Checked first because ALTER TABLE locks the table
                -- exclusively even when the column exists, queueing every session query behind any long one.
                IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '{_table}'::regclass AND attname = 'tombstone' AND NOT attisdropped) THEN
                    ALTER TABLE {_table} ADD COLUMN IF NOT EXISTS tombstone boolean NOT NULL DEFAULT false;
                END IF;
            END
            $typedsessions$;
            """;
    }

    /// <summary>
    /// Creates the table and indexes if missing, and upgrades a table created by an earlier version of this store
    /// (idempotent; safe to run from several instances at once). Runs by itself on first use unless
    /// <see cref="PostgreSqlSessionStoreOptions.CreateSchemaOnFirstUse"/> is off; call it from a migration step or at
    /// startup to do it explicitly.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name));", connection, transaction))
            {
                command.Parameters.AddWithValue("name", "typedsessions:" + _table);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand(GetSchemaScript(), connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(_loadSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        command.Parameters.Add(Timestamp("now", request.Now));
        command.Parameters.Add(new NpgsqlParameter("threshold", NpgsqlDbType.Double) { Value = request.TouchThreshold is { } t ? t : DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return SessionLoadResult.NotFound;
        }

        if (reader.GetBoolean(10))
        {
            return SessionLoadResult.Superseded;
        }

        var record = ReadRecord(reader);
        return new SessionLoadResult(record, reader.GetBoolean(9));
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var command = await CommandAsync(_createSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        command.Parameters.Add(Timestamp("now", record.CreatedAt));
        command.Parameters.Add(Timestamp("created_at", record.CreatedAt));
        AddLifetime(command, record.Lifetime);
        command.Parameters.Add(new NpgsqlParameter<long>("version", record.Version));
        command.Parameters.Add(new NpgsqlParameter("user_key", NpgsqlDbType.Text) { Value = (object?)record.UserKey ?? DBNull.Value });
        AddValueArrays(command, "value_keys", "value_data", record.Values);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    /// <remarks>One statement: the locked read of the row, the conflict check, and the merging <c>UPDATE</c> when they allow it.</remarks>
    public async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var command = await CommandAsync(_saveSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        AddChanges(command, changes, _limits.MaxKeys);
        return await ExecuteOutcomeAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>One statement, as <see cref="SaveAsync"/>: the size of the merged values is computed from the locked row.</remarks>
    public async ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.UserKeyChanged || changes.ExpectedValues.Count > 0 || changes.Lifetime.HasValue)
        {
            throw new ArgumentException("A blind save changes values only: no user binding, lifetime or expectations.", nameof(changes));
        }

        await using var command = await CommandAsync(_saveBlindSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        AddChanges(command, changes, _limits.MaxKeys);
        command.Parameters.Add(new NpgsqlParameter<long>("max_size", maxSize));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var code = reader.GetInt32(0);
        switch (code)
        {
            case (int)SessionWriteOutcome.Applied:
                var lifetime = SessionRecordDecoder.DecodeLifetime(
                    reader.GetInt16(4),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3));
                return new SessionBlindWriteResult(SessionWriteOutcome.Applied, lifetime);
            case (int)SessionWriteOutcome.NotFound or (int)SessionWriteOutcome.Superseded or (int)SessionWriteOutcome.TooLarge:
                return new SessionBlindWriteResult((SessionWriteOutcome)code, null);
            default:
                throw new SessionStoreException($"The session write returned an unexpected result ({code}); nothing was written.");
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One statement: the locked read of the old row and the conflict check, then an <c>INSERT</c> of the merged row
    /// under <paramref name="newKey"/> and an <c>UPDATE</c> of the old row to a tombstone. All of it commits, or nothing.
    /// </remarks>
    /// <exception cref="SessionStoreException">A live session is stored under <paramref name="newKey"/> (nothing written).</exception>
    public async ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (string.Equals(key, newKey, StringComparison.Ordinal))
        {
            throw new ArgumentException("A cycle needs a new key.", nameof(newKey));
        }

        await using var command = await CommandAsync(_cycleSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        command.Parameters.Add(KeyParameter(newKey, "new_key"));
        AddChanges(command, changes, _limits.MaxKeys);
        command.Parameters.Add(Timestamp("tombstone_expires_at", tombstoneExpiresAt));
        return await ExecuteOutcomeAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>One statement: the locked read of the row and, when it is a live session, the <c>UPDATE</c> to a tombstone.</remarks>
    public async ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(_endSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        command.Parameters.Add(Timestamp("now", now));
        command.Parameters.Add(Timestamp("tombstone_expires_at", tombstoneExpiresAt));
        return await ExecuteOutcomeAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(_touchSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        command.Parameters.Add(Timestamp("now", now));
        command.Parameters.Add(new NpgsqlParameter<double>("threshold", threshold));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync($"DELETE FROM {_table} WHERE key = @key;", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Counts the expired rows first (for <see cref="SessionCleanupProgress.Total"/>), then deletes them
    /// <see cref="PostgreSqlSessionStoreOptions.CleanupBatchSize"/> at a time, one short transaction per
    /// batch, skipping rows a concurrent request holds locked (they are being touched, or are left for
    /// the next run). A batch locks the expired rows it found through the expiry index and deletes them by their
    /// physical address (<c>ctid</c>, stable while the lock is held), with no lookup in the primary key; the
    /// expiry is checked again on the locked row, so a session slid meanwhile survives.
    /// </remarks>
    public async ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var count = await CommandAsync($"SELECT count(*) FROM {_table} WHERE expires_at <= @now;", cancellationToken).ConfigureAwait(false);
        count.Parameters.Add(Timestamp("now", now));
        await using var delete = await CommandAsync(
            $"""
            DELETE FROM {_table} WHERE expires_at <= @now AND ctid = ANY(ARRAY(
                SELECT ctid FROM {_table} WHERE expires_at <= @now LIMIT @batch FOR UPDATE SKIP LOCKED));
            """,
            cancellationToken).ConfigureAwait(false);
        delete.Parameters.Add(Timestamp("now", now));
        delete.Parameters.Add(new NpgsqlParameter<int>("batch", _batchSize));
        return await SessionCleanup.DeleteInBatchesAsync(
            async ct => Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture),
            delete.ExecuteNonQueryAsync,
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>One <c>DELETE</c> on the indexed <c>user_key</c> column; a session being saved concurrently is deleted after its save commits.</remarks>
    public async ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        await using var command = await CommandAsync($"DELETE FROM {_table} WHERE user_key = @user_key;", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter("user_key", NpgsqlDbType.Text) { Value = userKey });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        await using var command = await CommandAsync($"SELECT key FROM {_table} WHERE user_key = @user_key AND expires_at > @now;", cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter("user_key", NpgsqlDbType.Text) { Value = userKey });
        command.Parameters.Add(Timestamp("now", now));
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Keys are stored as their 32 bytes (bytea); the store key is their lowercase hex.
            keys.Add(Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(0)));
        }

        return keys;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One aggregate query: counts with <c>FILTER</c>, percentiles with <c>percentile_cont</c>. A session's
    /// size is its keys and values (<c>octet_length</c> of the <c>value_keys</c> and <c>value_data</c>
    /// elements), without the metadata columns. A live tombstone is neither a live nor an expired session.
    /// </remarks>
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(
            $"""
            SELECT count(*) FILTER (WHERE live), count(*) FILTER (WHERE expired),
                   COALESCE(sum(size) FILTER (WHERE live), 0)::bigint, COALESCE(min(size) FILTER (WHERE live), 0)::bigint,
                   COALESCE(percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY size) FILTER (WHERE live), ARRAY[0, 0, 0]::float8[]),
                   COALESCE(max(size) FILTER (WHERE live), 0)::bigint
            FROM (
                SELECT expires_at > @now AND NOT tombstone AS live, expires_at <= @now AS expired,
                       (SELECT COALESCE(sum(octet_length(k)), 0) FROM unnest(value_keys) AS k)
                       + (SELECT COALESCE(sum(octet_length(v)), 0) FROM unnest(value_data) AS v) AS size
                FROM {_table}) AS s;
            """,
            cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(Timestamp("now", now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var percentiles = reader.GetFieldValue<double[]>(4);
        var sizes = new SessionSizeSummary(reader.GetInt64(2), reader.GetInt64(3), percentiles[0], percentiles[1], percentiles[2], reader.GetInt64(5));
        return new SessionStoreStatistics(reader.GetInt64(0), reader.GetInt64(1), sizes);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One trivial statement, <c>SELECT 1 FROM {table} LIMIT 0</c> (after creating the schema on first use, as every store
    /// call does): it reads no row, but fails when the server cannot be reached, the credentials are refused, or the
    /// sessions table is missing or not readable — the cases in which every request would fail.
    /// </remarks>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync($"SELECT 1 FROM {_table} LIMIT 0;", cancellationToken).ConfigureAwait(false);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the data source when the store created it.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _schemaGate.Dispose();
    }

    /// <summary>Disposes the data source when the store created it.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }

        _schemaGate.Dispose();
    }

    private async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        if (_createSchema)
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        // The data source hands out a pooled connection per command and returns it on disposal.
        return _dataSource.CreateCommand(sql);
    }

    private SessionRecord ReadRecord(NpgsqlDataReader reader)
    {
        var decoder = new SessionRecordDecoder(_limits);
        var lifetime = SessionRecordDecoder.DecodeLifetime(
            reader.GetInt16(4),
            reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3));
        var keys = reader.GetFieldValue<byte[]?[]>(7);
        var data = reader.GetFieldValue<byte[]?[]>(8);
        if (keys.Length != data.Length)
        {
            throw new SessionDataException($"Stored session has {keys.Length} keys but {data.Length} values.");
        }

        decoder.ExpectKeys(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            decoder.AddValue(keys[i] ?? throw new SessionDataException("Stored session has a null key."), data[i]);
        }

        return decoder.ToRecord(reader.GetFieldValue<DateTimeOffset>(0), lifetime, reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    // Values as two parallel bytea[] parameters: the UTF-8 names and the values.
    private static void AddValueArrays(NpgsqlCommand command, string keysName, string dataName, IReadOnlyDictionary<string, byte[]> values)
    {
        var keys = new byte[values.Count][];
        var data = new byte[values.Count][];
        var i = 0;
        foreach (var (name, value) in values)
        {
            keys[i] = Encoding.UTF8.GetBytes(name);
            data[i] = value;
            i++;
        }

        command.Parameters.Add(ByteaArray(keysName, keys));
        command.Parameters.Add(ByteaArray(dataName, data));
    }

    private static void AddChanges(NpgsqlCommand command, SessionChangeSet changes, int maxKeys)
    {
        command.Parameters.Add(Timestamp("now", changes.Now));
        command.Parameters.Add(new NpgsqlParameter<int>("max_keys", maxKeys));
        command.Parameters.Add(new NpgsqlParameter<bool>("clear", changes.ClearAll));
        command.Parameters.Add(ByteaArray("removed", changes.RemovedKeys.Select(Encoding.UTF8.GetBytes).ToArray()));
        AddValueArrays(command, "set_keys", "set_data", changes.SetValues);
        command.Parameters.Add(new NpgsqlParameter<bool>("has_lifetime", changes.Lifetime.HasValue));
        AddLifetime(command, changes.Lifetime ?? default);
        command.Parameters.Add(new NpgsqlParameter<bool>("user_key_changed", changes.UserKeyChanged));
        command.Parameters.Add(new NpgsqlParameter("user_key", NpgsqlDbType.Text) { Value = (object?)changes.UserKey ?? DBNull.Value });

        // An expected absence is a null element; the check compares with IS DISTINCT FROM.
        var expectedKeys = new byte[changes.ExpectedValues.Count][];
        var expectedData = new byte[]?[changes.ExpectedValues.Count];
        var i = 0;
        foreach (var (name, value) in changes.ExpectedValues)
        {
            expectedKeys[i] = Encoding.UTF8.GetBytes(name);
            expectedData[i] = value;
            i++;
        }

        command.Parameters.Add(ByteaArray("expected_keys", expectedKeys));
        command.Parameters.Add(new NpgsqlParameter("expected_data", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = expectedData });
    }

    private static async Task<SessionWriteOutcome> ExecuteOutcomeAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var code = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return code switch
        {
            (int)SessionWriteOutcome.Applied or (int)SessionWriteOutcome.NotFound or (int)SessionWriteOutcome.Superseded or (int)SessionWriteOutcome.Conflict
                or (int)SessionWriteOutcome.TooLarge => (SessionWriteOutcome)code,
            NewKeyTaken => throw new SessionStoreException("A live session already exists under the new key of a cycle; nothing was written."),
            _ => throw new SessionStoreException($"The session write returned an unexpected result ({code}); nothing was written."),
        };
    }

    // A touch is due when it moves the expiry forward by at least threshold x idle window
    // (SessionLifetime.Touch); the cap is the absolute expiry.
    private static string Proposed(string alias)
        => $"LEAST(@now + {alias}.idle_timeout_ms * interval '1 millisecond', COALESCE({alias}.absolute_expires_at, 'infinity'::timestamptz))";

    private static string TouchDue(string alias)
        => $"{Proposed(alias)} > {alias}.expires_at AND {Proposed(alias)} - {alias}.expires_at >= ({alias}.idle_timeout_ms * @threshold) * interval '1 millisecond'";

    // A write replaces the lifetime when the change set carries one, else slides the idle window as a touch would.
    private static string ExpiresAfterWrite(string alias)
        => $"CASE WHEN @has_lifetime THEN @expires_at WHEN {alias}.idle_timeout_ms IS NULL THEN {alias}.expires_at ELSE GREATEST({alias}.expires_at, {Proposed(alias)}) END";

    // The merged arrays (SessionRecord.Apply): stored entries survive unless cleared, removed or overwritten, then the
    // new entries follow.
    private static string MergedArrays(string alias) => $"""
        SELECT COALESCE(array_agg(m.k ORDER BY m.o), {EmptyArray}), COALESCE(array_agg(m.v ORDER BY m.o), {EmptyArray})
        FROM (
            SELECT old.k, old.v, old.o FROM unnest({alias}.value_keys, {alias}.value_data) WITH ORDINALITY AS old(k, v, o)
            WHERE NOT @clear AND old.k <> ALL(@removed) AND old.k <> ALL(@set_keys)
            UNION ALL
            SELECT new.k, new.v, 4294967296 + new.o FROM unnest(@set_keys, @set_data) WITH ORDINALITY AS new(k, v, o)
        ) AS m
        """;

    // The size of the merged values (SessionRecord.PayloadSize of the record SessionRecord.Apply would make).
    private static string MergedSize(string alias) => $"""
        SELECT COALESCE(sum(octet_length(m.k) + octet_length(m.v)), 0)
        FROM (
            SELECT old.k, old.v FROM unnest({alias}.value_keys, {alias}.value_data) AS old(k, v)
            WHERE NOT @clear AND old.k <> ALL(@removed) AND old.k <> ALL(@set_keys)
            UNION ALL
            SELECT new.k, new.v FROM unnest(@set_keys, @set_data) AS new(k, v)
        ) AS m
        """;

    // Whether the merged values (SessionRecord.Apply) would be more than @max_keys, the most a load accepts. The stored
    // count plus the set count settles nearly every write without looking at the keys.
    private static string TooMany(string alias) => $"""
        CASE WHEN cardinality(@set_keys) = 0 THEN false
             WHEN @clear THEN cardinality(@set_keys) > @max_keys
             WHEN cardinality({alias}.value_keys) + cardinality(@set_keys) <= @max_keys THEN false
             ELSE (SELECT count(*) FROM unnest({alias}.value_keys) AS old(k) WHERE old.k <> ALL(@removed) AND old.k <> ALL(@set_keys))
                  + cardinality(@set_keys) > @max_keys END
        """;

    // SessionChangeSet.FindConflict: an expected key whose stored value (null when absent) is another one.
    private static string Conflict(string alias) => $"""
        EXISTS (
            SELECT 1 FROM unnest(@expected_keys, @expected_data) AS e(k, v)
            WHERE (SELECT o.v FROM unnest({alias}.value_keys, {alias}.value_data) AS o(k, v) WHERE o.k = e.k LIMIT 1) IS DISTINCT FROM e.v)
        """;

    // The outcome of a statement over the locked row "cur": the writing CTE returned a row (Applied), or why it did not.
    private static string Outcome(string written, string? needed)
    {
        var refused = needed is null ? string.Empty : $"WHEN NOT EXISTS (SELECT 1 FROM {needed}) THEN {NewKeyTaken}";
        return $"""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM {written}) THEN {(int)SessionWriteOutcome.Applied}
                        WHEN c.key IS NULL THEN {(int)SessionWriteOutcome.NotFound}
                        WHEN c.tombstone THEN {(int)SessionWriteOutcome.Superseded}
                        WHEN c.conflict THEN {(int)SessionWriteOutcome.Conflict}
                        WHEN c.too_many THEN {(int)SessionWriteOutcome.TooLarge}
                        {refused}
                        ELSE {Unexplained} END
            FROM (VALUES (1)) AS one(x) LEFT JOIN cur AS c ON true;
            """;
    }

    private static void AddLifetime(NpgsqlCommand command, SessionLifetime lifetime)
    {
        command.Parameters.Add(Timestamp("expires_at", lifetime.ExpiresAt));
        command.Parameters.Add(new NpgsqlParameter("absolute_expires_at", NpgsqlDbType.TimestampTz)
        {
            Value = lifetime.AbsoluteExpiresAt is { } a ? a.ToUniversalTime() : DBNull.Value,
        });
        command.Parameters.Add(new NpgsqlParameter("idle_timeout_ms", NpgsqlDbType.Bigint)
        {
            Value = lifetime.IdleTimeout is { } idle ? (long)idle.TotalMilliseconds : DBNull.Value,
        });
        command.Parameters.Add(new NpgsqlParameter<short>("expiry_mode", (short)lifetime.Mode));
    }

    private static NpgsqlParameter<byte[]> KeyParameter(string key, string name = "key")
    {
        SessionStoreKey.ThrowIfInvalid(key);
        return new NpgsqlParameter<byte[]>(name, Convert.FromHexString(key));
    }

    private static NpgsqlParameter<DateTimeOffset> Timestamp(string name, DateTimeOffset value) => new(name, value.ToUniversalTime());

    private static NpgsqlParameter ByteaArray(string name, byte[][] value) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = value };

    private static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(c => alias + "." + c));

    private static string Quote(string identifier) => "\"" + identifier + "\"";

    private static string CheckIdentifier(string? value, string name, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || char.IsAsciiDigit(value[0])
            || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new InvalidOperationException($"PostgreSqlSessionStoreOptions.{name} '{value}' must be letters, digits and underscores (not starting with a digit), at most {maxLength} characters.");
        }

        return value;
    }
}
