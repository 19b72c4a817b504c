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
/// <para>Every operation is one statement, so one round trip: a save is a single <c>UPDATE</c> whose
/// new value arrays are computed from the row's current arrays inside the statement, under the row
/// lock the <c>UPDATE</c> takes. Concurrent saves to one session queue on that lock and each merges
/// into what the previous one wrote (READ COMMITTED re-evaluates the row), so writers of different
/// keys never lose each other's changes. A load that is due a touch is a data-modifying CTE that
/// slides the expiry and returns the row in the same statement.</para>
/// <para>The schema is created on first use (guarded by an advisory lock so that several app
/// instances can start at once), or explicitly with <see cref="EnsureSchemaAsync"/>.</para>
/// </remarks>
public sealed class PostgreSqlSessionStore : ISessionStore, ISessionUserIndex, ISessionStoreStatistics, IAsyncDisposable, IDisposable
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "PostgreSql";

    private const string EmptyArray = "'{}'::bytea[]";

    private const string Columns = "created_at, expires_at, absolute_expires_at, idle_timeout_ms, expiry_mode, version, user_key, value_keys, value_data";

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

        // A touch is due when it moves the expiry forward by at least threshold x idle window
        // (SessionLifetime.Touch); the cap is the absolute expiry.
        const string Proposed = "LEAST(@now + s.idle_timeout_ms * interval '1 millisecond', COALESCE(s.absolute_expires_at, 'infinity'::timestamptz))";
        _loadSql = $"""
            WITH touched AS (
                UPDATE {_table} AS s SET expires_at = {Proposed}
                WHERE s.key = @key AND s.expires_at > @now AND @threshold IS NOT NULL AND s.idle_timeout_ms IS NOT NULL
                  AND {Proposed} > s.expires_at
                  AND {Proposed} - s.expires_at >= (s.idle_timeout_ms * @threshold) * interval '1 millisecond'
                RETURNING {Prefixed("s")}, true AS touched)
            SELECT * FROM touched
            UNION ALL
            SELECT {Columns}, false FROM {_table} WHERE key = @key AND expires_at > @now AND NOT EXISTS (SELECT 1 FROM touched);
            """;
        _touchSql = $"""
            UPDATE {_table} AS s SET expires_at = {Proposed}
            WHERE s.key = @key AND s.expires_at > @now AND s.idle_timeout_ms IS NOT NULL
              AND {Proposed} > s.expires_at
              AND {Proposed} - s.expires_at >= (s.idle_timeout_ms * @threshold) * interval '1 millisecond';
            """;
        _createSql = $"""
            INSERT INTO {_table} AS s (key, {Columns})
            VALUES (@key, @created_at, @expires_at, @absolute_expires_at, @idle_timeout_ms, @expiry_mode, @version, @user_key, @value_keys, @value_data)
            ON CONFLICT (key) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at,
                absolute_expires_at = excluded.absolute_expires_at, idle_timeout_ms = excluded.idle_timeout_ms,
                expiry_mode = excluded.expiry_mode, version = excluded.version, user_key = excluded.user_key,
                value_keys = excluded.value_keys, value_data = excluded.value_data
            WHERE s.expires_at <= @now;
            """;

        // The merge (SessionRecord.Apply): stored entries survive unless cleared, removed or overwritten,
        // then the new entries follow. Computed from s.* under the UPDATE's row lock.
        _saveSql = $"""
            UPDATE {_table} AS s SET
                (value_keys, value_data) = (
                    SELECT COALESCE(array_agg(m.k ORDER BY m.o), {EmptyArray}), COALESCE(array_agg(m.v ORDER BY m.o), {EmptyArray})
                    FROM (
                        SELECT old.k, old.v, old.o FROM unnest(s.value_keys, s.value_data) WITH ORDINALITY AS old(k, v, o)
                        WHERE NOT @clear AND old.k <> ALL(@removed) AND old.k <> ALL(@set_keys)
                        UNION ALL
                        SELECT new.k, new.v, 4294967296 + new.o FROM unnest(@set_keys, @set_data) WITH ORDINALITY AS new(k, v, o)
                    ) AS m),
                version = s.version + 1,
                expires_at = CASE WHEN @has_lifetime THEN @expires_at
                                  WHEN s.idle_timeout_ms IS NULL THEN s.expires_at
                                  ELSE GREATEST(s.expires_at, {Proposed}) END,
                absolute_expires_at = CASE WHEN @has_lifetime THEN @absolute_expires_at ELSE s.absolute_expires_at END,
                idle_timeout_ms = CASE WHEN @has_lifetime THEN @idle_timeout_ms ELSE s.idle_timeout_ms END,
                expiry_mode = CASE WHEN @has_lifetime THEN @expiry_mode ELSE s.expiry_mode END,
                user_key = CASE WHEN @user_key_changed THEN @user_key ELSE s.user_key END
            WHERE s.key = @key AND s.expires_at > @now;
            """;
    }

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.NeverBlocksCaller;

    /// <summary>The schema-qualified, quoted table name.</summary>
    public string TableName => _table;

    /// <summary>The SQL that creates the table and its indexes (idempotent), for migration tools and DBAs.</summary>
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
                value_data bytea[] NOT NULL
            );
            CREATE INDEX IF NOT EXISTS {Quote("ix_" + _tableName + "_expires_at")} ON {_table} (expires_at);
            CREATE INDEX IF NOT EXISTS {Quote("ix_" + _tableName + "_user_key")} ON {_table} (user_key) WHERE user_key IS NOT NULL;
            """;
    }

    /// <summary>
    /// Creates the table and indexes if missing (idempotent; safe to run from several instances at once).
    /// Runs by itself on first use unless <see cref="PostgreSqlSessionStoreOptions.CreateSchemaOnFirstUse"/>
    /// is off; call it from a migration step or at startup to do it explicitly.
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
        var keys = new byte[record.Values.Count][];
        var data = new byte[record.Values.Count][];
        var i = 0;
        foreach (var (name, value) in record.Values)
        {
            keys[i] = Encoding.UTF8.GetBytes(name);
            data[i] = value;
            i++;
        }

        command.Parameters.Add(ByteaArray("value_keys", keys));
        command.Parameters.Add(ByteaArray("value_data", data));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var command = await CommandAsync(_saveSql, cancellationToken).ConfigureAwait(false);
        command.Parameters.Add(KeyParameter(key));
        command.Parameters.Add(Timestamp("now", changes.Now));
        command.Parameters.Add(new NpgsqlParameter<bool>("clear", changes.ClearAll));
        command.Parameters.Add(ByteaArray("removed", changes.RemovedKeys.Select(Encoding.UTF8.GetBytes).ToArray()));
        var keys = new byte[changes.SetValues.Count][];
        var data = new byte[changes.SetValues.Count][];
        var i = 0;
        foreach (var (name, value) in changes.SetValues)
        {
            keys[i] = Encoding.UTF8.GetBytes(name);
            data[i] = value;
            i++;
        }

        command.Parameters.Add(ByteaArray("set_keys", keys));
        command.Parameters.Add(ByteaArray("set_data", data));
        command.Parameters.Add(new NpgsqlParameter<bool>("has_lifetime", changes.Lifetime.HasValue));
        AddLifetime(command, changes.Lifetime ?? default);
        command.Parameters.Add(new NpgsqlParameter<bool>("user_key_changed", changes.UserKeyChanged));
        command.Parameters.Add(new NpgsqlParameter("user_key", NpgsqlDbType.Text) { Value = (object?)changes.UserKey ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
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
    /// the next run).
    /// </remarks>
    public async ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        long total;
        await using (var count = await CommandAsync($"SELECT count(*) FROM {_table} WHERE expires_at <= @now;", cancellationToken).ConfigureAwait(false))
        {
            count.Parameters.Add(Timestamp("now", now));
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        progress?.Report(new SessionCleanupProgress(0, total));
        long deleted = 0;
        await using var delete = await CommandAsync(
            $"""
            DELETE FROM {_table} WHERE expires_at <= @now AND key IN (
                SELECT key FROM {_table} WHERE expires_at <= @now LIMIT @batch FOR UPDATE SKIP LOCKED);
            """,
            cancellationToken).ConfigureAwait(false);
        delete.Parameters.Add(Timestamp("now", now));
        delete.Parameters.Add(new NpgsqlParameter<int>("batch", _batchSize));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (batch == 0)
            {
                break;
            }

            deleted += batch;
            progress?.Report(new SessionCleanupProgress(deleted, Math.Max(total, deleted)));
        }

        return deleted;
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
    /// <remarks>
    /// One aggregate query: counts with <c>FILTER</c>, percentiles with <c>percentile_cont</c>. A session's
    /// size is its keys and values (<c>octet_length</c> of the <c>value_keys</c> and <c>value_data</c>
    /// elements), without the metadata columns.
    /// </remarks>
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = await CommandAsync(
            $"""
            SELECT count(*) FILTER (WHERE live), count(*) FILTER (WHERE NOT live),
                   COALESCE(sum(size) FILTER (WHERE live), 0)::bigint, COALESCE(min(size) FILTER (WHERE live), 0)::bigint,
                   COALESCE(percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY size) FILTER (WHERE live), ARRAY[0, 0, 0]::float8[]),
                   COALESCE(max(size) FILTER (WHERE live), 0)::bigint
            FROM (
                SELECT expires_at > @now AS live,
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
        var createdAt = reader.GetFieldValue<DateTimeOffset>(0);
        var expiresAt = reader.GetFieldValue<DateTimeOffset>(1);
        DateTimeOffset? absolute = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
        TimeSpan? idle = null;
        if (!reader.IsDBNull(3))
        {
            var idleMs = reader.GetInt64(3);
            if (idleMs <= 0 || idleMs > (long)TimeSpan.MaxValue.TotalMilliseconds)
            {
                throw new SessionDataException($"Stored session has an invalid idle timeout ({idleMs} ms).");
            }

            idle = TimeSpan.FromMilliseconds(idleMs);
        }

        var mode = reader.GetInt16(4);
        if (!Enum.IsDefined((SessionExpiryMode)mode))
        {
            throw new SessionDataException($"Stored session has an unknown expiry mode ({mode}).");
        }

        var version = reader.GetInt64(5);
        var userKey = reader.IsDBNull(6) ? null : reader.GetString(6);
        var keys = reader.GetFieldValue<byte[]?[]>(7);
        var data = reader.GetFieldValue<byte[]?[]>(8);
        if (keys.Length != data.Length)
        {
            throw new SessionDataException($"Stored session has {keys.Length} keys but {data.Length} values.");
        }

        if (keys.Length > _limits.MaxKeys)
        {
            throw new SessionDataException($"Stored session has {keys.Length} keys; the limit is {_limits.MaxKeys}.");
        }

        var values = new Dictionary<string, byte[]>(keys.Length, StringComparer.Ordinal);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (var i = 0; i < keys.Length; i++)
        {
            var rawKey = keys[i] ?? throw new SessionDataException("Stored session has a null key.");
            if (rawKey.Length > _limits.MaxKeyBytes)
            {
                throw new SessionDataException($"Stored session has a key of {rawKey.Length} bytes; the limit is {_limits.MaxKeyBytes}.");
            }

            string name;
            try
            {
                name = utf8.GetString(rawKey);
            }
            catch (DecoderFallbackException ex)
            {
                throw new SessionDataException("Stored session has a key that is not UTF-8.", ex);
            }

            if (!values.TryAdd(name, data[i] ?? throw new SessionDataException("Stored session has a null value.")))
            {
                throw new SessionDataException("Stored session has a duplicate key.");
            }
        }

        return new SessionRecord(values, createdAt, new SessionLifetime((SessionExpiryMode)mode, expiresAt, absolute, idle), version, userKey);
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

    private static NpgsqlParameter<byte[]> KeyParameter(string key)
    {
        if (key is null || key.Length != 64 || !key.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("A store key is 64 lowercase hex characters (the SHA-256 of a session id).", nameof(key));
        }

        return new NpgsqlParameter<byte[]>("key", Convert.FromHexString(key));
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
