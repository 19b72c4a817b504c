using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;

namespace TypedSessions.Sqlite;

/// <summary>
/// Sessions in a SQLite database (the embedded default): one row per session keyed by the hashed id,
/// the record as a MessagePack envelope, and the expiry in a column. The schema is created on
/// first use, in WAL mode. A save is one <c>BEGIN IMMEDIATE</c> transaction (read, check expected values, merge
/// per key, write), so concurrent writers to different keys never lose each other's changes; a cycle and an end
/// are one such transaction too. A tombstone is a row whose <c>data</c> is the tombstone envelope
/// (<see cref="SessionEnvelope"/>), with <c>user_key</c> null and <c>expires_at</c> at the tombstone's end.
/// </summary>
public sealed class SqliteSessionStore : ISessionStore, ISessionBlindWriter, ISessionUserIndex, ISessionUserListing, ISessionStoreStatistics, ISessionStoreHealth, IDisposable
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "Sqlite";

    // The tombstone envelope is [1, expiresAtMs]: fixarray(2) = 0x92, then at most 1 + 9 bytes. Every other envelope
    // starts with fixarray(9) = 0x99, so the first byte of a short blob tells a tombstone without decoding.
    private const int MaxTombstoneEnvelopeBytes = 11;

    private readonly string _connectionString;
    private readonly string _table;
    private readonly int _batchSize;
    private readonly SessionEnvelopeLimits _limits;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);

    // SQLite has one writer at a time; queueing writers here (asynchronously) avoids the provider's
    // sleep-and-retry on SQLITE_BUSY inside one process. Other processes still meet the busy handler.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Connection string, table name and limits.</param>
    public SqliteSessionStore(IOptions<SqliteSessionStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.ConnectionString))
        {
            throw new InvalidOperationException("SqliteSessionStoreOptions.ConnectionString is not set (TypedSessions:ConnectionString).");
        }

        if (string.IsNullOrEmpty(value.TableName) || !value.TableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new InvalidOperationException($"SqliteSessionStoreOptions.TableName '{value.TableName}' must be letters, digits and underscores.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(value.CleanupBatchSize, 1);
        var builder = new SqliteConnectionStringBuilder(value.ConnectionString);
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        _connectionString = builder.ToString();
        _table = value.TableName;
        _batchSize = value.CleanupBatchSize;
        _limits = value.Limits;
    }

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.BlindWrites;

    /// <summary>Creates the table and indexes if missing, and turns on WAL. Runs by itself on first use.</summary>
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

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {_table} (
                    key TEXT NOT NULL PRIMARY KEY,
                    expires_at INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    user_key TEXT NULL,
                    data BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS ix_{_table}_user_key ON {_table} (user_key) WHERE user_key IS NOT NULL;
                """, cancellationToken).ConfigureAwait(false);
            await DropExpiryIndexAsync(connection, cancellationToken).ConfigureAwait(false);
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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var stored = await ReadAsync(connection, key, request.Now, cancellationToken).ConfigureAwait(false);
        var result = SessionLoadResult.From(stored, request);
        if (result.Touched)
        {
            // Optimistic: if a save slipped in since the read, it slid the expiry itself.
            using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE {_table} SET expires_at = $expires, data = $data, version = $version WHERE key = $key AND version = $expected;";
            command.Parameters.AddWithValue("$expires", result.Record!.Lifetime.ExpiresAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$data", SessionEnvelope.Serialize(result.Record));
            command.Parameters.AddWithValue("$version", result.Record.Version);
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$expected", stored!.Version);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var created = await InsertAsync(connection, key, record, record.CreatedAt, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <inheritdoc/>
    public async ValueTask<SessionWriteOutcome> SaveAsync(string key, SessionChangeSet changes, CancellationToken cancellationToken = default)
        => (await SaveCoreAsync(key, changes, null, cancellationToken).ConfigureAwait(false)).Outcome;

    /// <inheritdoc/>
    public async ValueTask<SessionBlindWriteResult> SaveBlindAsync(string key, SessionChangeSet changes, long maxSize, CancellationToken cancellationToken = default)
    {
        var (outcome, updated) = await SaveCoreAsync(key, changes, maxSize, cancellationToken).ConfigureAwait(false);
        return new SessionBlindWriteResult(outcome, updated?.Lifetime);
    }

    private async Task<(SessionWriteOutcome Outcome, SessionRecord? Updated)> SaveCoreAsync(string key, SessionChangeSet changes, long? maxSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var stored = await ReadAsync(connection, key, changes.Now, cancellationToken).ConfigureAwait(false);
        var outcome = SessionRecord.TryApply(stored, changes, maxSize ?? long.MaxValue, _limits.MaxKeys, out var updated);
        if (outcome != SessionWriteOutcome.Applied)
        {
            return (outcome, null);
        }

        await WriteAsync(connection, key, updated!, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (SessionWriteOutcome.Applied, updated);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> transaction: reads the record stored now, applies the change set
    /// (<see cref="SessionRecord.TryApply(SessionRecord?, SessionChangeSet, long, int, out SessionRecord?)"/>), inserts it under <paramref name="newKey"/> and replaces the old row by the
    /// tombstone. Nothing is committed unless all of it is, nor when the caller gave up while the transaction waited for
    /// another process's lock.
    /// </remarks>
    /// <exception cref="SessionStoreException">A live session is stored under <paramref name="newKey"/> (nothing written).</exception>
    public async ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (string.Equals(key, newKey, StringComparison.Ordinal))
        {
            throw new ArgumentException("A cycle needs a new key.", nameof(newKey));
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var outcome = SessionRecord.TryApply(await ReadAsync(connection, key, changes.Now, cancellationToken).ConfigureAwait(false), changes, long.MaxValue, _limits.MaxKeys, out var moved);
        if (outcome != SessionWriteOutcome.Applied)
        {
            return outcome;
        }

        if (!await InsertAsync(connection, newKey, moved!, changes.Now, cancellationToken).ConfigureAwait(false))
        {
            throw new SessionStoreException("A live session already exists under the new key of a cycle; nothing was written.");
        }

        await WriteAsync(connection, key, SessionRecord.Tombstone(changes.Now, tombstoneExpiresAt), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return SessionWriteOutcome.Applied;
    }

    /// <inheritdoc/>
    /// <remarks>One <c>BEGIN IMMEDIATE</c> transaction. A row that cannot be decoded is not a live session: nothing is written.</remarks>
    public async ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        SessionRecord? stored;
        try
        {
            stored = await ReadAsync(connection, key, now, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionDataException)
        {
            stored = null;
        }

        var outcome = SessionRecord.EndOutcome(stored, now);
        if (outcome != SessionWriteOutcome.Applied)
        {
            return outcome;
        }

        await WriteAsync(connection, key, SessionRecord.Tombstone(now, tombstoneExpiresAt), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return SessionWriteOutcome.Applied;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var existing = await ReadAsync(connection, key, now, cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.IsTombstone || existing.Lifetime.Touch(now, threshold) is not { } touched)
        {
            return false;
        }

        await WriteAsync(connection, key, existing.WithLifetime(touched), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Walks the primary key in order, <see cref="SqliteSessionStoreOptions.CleanupBatchSize"/> rows at a time: a read
    /// (no lock) finds the range's last key and whether any row in it is expired, then, only if one is, one
    /// <c>DELETE</c> of the expired rows in that key range runs under the write lock. The rows a batch deletes are
    /// neighbours in the tree, so it dirties a few contiguous pages (and frees the pages it empties) instead of one
    /// random page a row, and there is no expiry index to update. The cleanup's connection commits with
    /// <c>synchronous=NORMAL</c> (a delete lost to a power cut is done again by the next run; the database stays
    /// consistent), set back before the connection returns to the pool. The cleanup's <c>DELETE</c> waits for another
    /// process's write lock with SQLite's own busy handler (<c>busy_timeout</c>), whose sleeps grow to 100 ms; the
    /// session writes try for the lock every millisecond without blocking a thread, so they take it in the gap after
    /// the batch in progress. A row is deleted only if it is expired when its batch runs, so a session slid or
    /// re-created meanwhile survives. No lock is held between batches: a write of this store waits for at most the batch
    /// in progress (the in-process write gate is first come, first served); a write from another process waits for the
    /// batch holding SQLite's lock.
    /// </remarks>
    public async ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var nowMs = now.ToUnixTimeMilliseconds();
        var synchronous = await ScalarAsync(connection, "PRAGMA synchronous;", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA synchronous=NORMAL;", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM {_table} WHERE expires_at <= $now;";
            count.Parameters.AddWithValue("$now", nowMs);
            var walk = new KeyRangeWalk(connection, _table, nowMs, _batchSize);
            await using (walk.ConfigureAwait(false))
            {
                return await SessionCleanup.DeleteInBatchesAsync(
                    async ct => Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture),
                    ct => walk.DeleteNextAsync(WriteGateAsync, ct),
                    progress,
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // The connection goes back to the pool: the app's writes keep the setting they had.
            await ExecuteAsync(
                connection,
                $"PRAGMA synchronous={Convert.ToInt64(synchronous, CultureInfo.InvariantCulture)};",
                CancellationToken.None).ConfigureAwait(false);
        }
    }

    // The primary-key walk of DeleteExpiredAsync. A range is read without the write lock; a read that sees a row
    // inserted or slid later than the delete's snapshot is harmless, as the DELETE checks the expiry again.
    private sealed class KeyRangeWalk : IAsyncDisposable
    {
        private readonly SqliteCommand _firstRange;
        private readonly SqliteCommand _nextRange;
        private readonly SqliteCommand _firstDelete;
        private readonly SqliteCommand _nextDelete;
        private string? _cursor;

        public KeyRangeWalk(SqliteConnection connection, string table, long nowMs, int batchSize)
        {
            // The first range starts at the smallest key (inclusive), every later one after the last key of the one
            // before (exclusive). A range is up to batchSize keys: its last key and how many of its rows are expired.
            _firstRange = RangeCommand(connection, table, ">=", nowMs, batchSize);
            _nextRange = RangeCommand(connection, table, ">", nowMs, batchSize);
            _firstDelete = DeleteCommand(connection, table, ">=", nowMs);
            _nextDelete = DeleteCommand(connection, table, ">", nowMs);
        }

        // Deletes the expired rows of the next ranges until one deletes something (its count) or the key space ends (0).
        public async Task<int> DeleteNextAsync(Func<CancellationToken, Task<IDisposable>> writeGate, CancellationToken cancellationToken)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var first = _cursor is null;
                var range = first ? _firstRange : _nextRange;
                range.Parameters["$cursor"].Value = _cursor ?? string.Empty;
                string last;
                double expired;
                await using (var reader = await range.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (reader.GetInt64(1) == 0)
                    {
                        return 0;
                    }

                    last = reader.GetString(0);
                    expired = reader.GetDouble(2);
                }

                var deleted = 0;
                if (expired > 0)
                {
                    var delete = first ? _firstDelete : _nextDelete;
                    delete.Parameters["$cursor"].Value = _cursor ?? string.Empty;
                    delete.Parameters["$last"].Value = last;
                    using (await writeGate(cancellationToken).ConfigureAwait(false))
                    {
                        deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                _cursor = last;
                if (deleted > 0)
                {
                    return deleted;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _firstRange.DisposeAsync().ConfigureAwait(false);
            await _nextRange.DisposeAsync().ConfigureAwait(false);
            await _firstDelete.DisposeAsync().ConfigureAwait(false);
            await _nextDelete.DisposeAsync().ConfigureAwait(false);
        }

        private static SqliteCommand RangeCommand(SqliteConnection connection, string table, string after, long nowMs, int batchSize)
        {
            var command = connection.CreateCommand();
            command.CommandText = $"SELECT max(key), count(*), total(expires_at <= $now) FROM (SELECT key, expires_at FROM {table} WHERE key {after} $cursor ORDER BY key LIMIT $batch);";
            command.Parameters.AddWithValue("$now", nowMs);
            command.Parameters.AddWithValue("$cursor", string.Empty);
            command.Parameters.AddWithValue("$batch", batchSize);
            return command;
        }

        private static SqliteCommand DeleteCommand(SqliteConnection connection, string table, string after, long nowMs)
        {
            var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM {table} WHERE key {after} $cursor AND key <= $last AND expires_at <= $now;";
            command.Parameters.AddWithValue("$now", nowMs);
            command.Parameters.AddWithValue("$cursor", string.Empty);
            command.Parameters.AddWithValue("$last", string.Empty);
            return command;
        }
    }

    /// <inheritdoc/>
    /// <remarks>One <c>DELETE</c> on the indexed <c>user_key</c> column.</remarks>
    public async ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var gate = await WriteGateAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE user_key = $user;";
        command.Parameters.AddWithValue("$user", userKey);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT key FROM {_table} WHERE user_key = $user AND expires_at > $now;";
        command.Parameters.AddWithValue("$user", userKey);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One aggregate for the counts (a scan of the table: there is no expiry index), then the lengths of the
    /// live rows' <c>data</c> (the encoded record; SQLite reads a blob's length from the row header) for
    /// the percentiles, summarized in memory (8 bytes a session). A live tombstone is neither live nor
    /// expired: its <c>data</c> is at most 11 bytes and starts with <c>0x92</c>, which only such short blobs are
    /// checked for.
    /// </remarks>
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var nowMs = now.ToUnixTimeMilliseconds();
        long expired;
        long total;
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT COUNT(*), (SELECT COUNT(*) FROM {_table} WHERE expires_at <= $now) FROM {_table};";
            count.Parameters.AddWithValue("$now", nowMs);
            await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            total = reader.GetInt64(0);
            expired = reader.GetInt64(1);
        }

        var sizes = new List<long>((int)Math.Min(int.MaxValue, Math.Max(0, total - expired)));
        await using (var lengths = connection.CreateCommand())
        {
            lengths.CommandText = $"SELECT length(data) FROM {_table} WHERE expires_at > $now AND NOT {IsTombstoneSql};";
            lengths.Parameters.AddWithValue("$now", nowMs);
            await using var reader = await lengths.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sizes.Add(reader.GetInt64(0));
            }
        }

        var summary = SessionSizeSummary.FromSizes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sizes));
        return new SessionStoreStatistics(sizes.Count, expired, summary);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Opens a connection as every store call does (creating the schema on first use) and runs <c>SELECT 1</c>. A
    /// database file that cannot be opened or whose schema cannot be created fails with the SQLite error and the file's path.
    /// </remarks>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1;";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            var file = new SqliteConnectionStringBuilder(_connectionString).DataSource;
            throw new SessionStoreException($"The SQLite database '{file}' cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>Releases pooled connections to the database file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
        _writeGate.Dispose();
    }

    private async Task<IDisposable> WriteGateAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GateRelease(_writeGate);
    }

    private sealed class GateRelease(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // SQLite's own busy handler, for the statements that wait inside SQLite for another process's lock (the
            // cleanup's DELETE, a COMMIT, the schema): it retries within milliseconds of the lock's release, where
            // Microsoft.Data.Sqlite alone sleeps 150 ms between attempts. The session writes take the lock in
            // BeginWriteAsync instead. Same bound as the provider's retry (the command timeout); a pooled connection
            // keeps it, and setting it is one native call.
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, BusyTimeoutMs(connection));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<SessionRecord?> ReadAsync(SqliteConnection connection, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT data FROM {_table} WHERE key = $key AND expires_at > $now;";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var data = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return data is byte[] bytes ? SessionEnvelope.Deserialize(bytes, _limits) : null;
    }

    private static string IsTombstoneSql => $"(length(data) <= {MaxTombstoneEnvelopeBytes} AND substr(data, 1, 1) = x'92')";

    // BEGIN IMMEDIATE, waited for here rather than in SQLite's busy handler or the provider's retry: both block the
    // thread without looking at the token, and once a wait is long they sleep 100 ms (SQLite) or 150 ms (the provider)
    // between tries, so a write could sleep through the short gaps between another process's cleanup batches and wait
    // several of them. Here the lock is tried after every Task.Delay(1) (about a millisecond on Linux; the timer's
    // resolution elsewhere, e.g. about 15 ms on Windows), every 10 ms after the first second so a lock held long costs
    // little, until it is taken, the connection's DefaultTimeout passes (SQLITE_BUSY, as the provider reports it; 0: no
    // limit, as the provider) or the caller gives up (OperationCanceledException). A write whose caller already gave up
    // never applies.
    private static async Task<WriteTransaction> BeginWriteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var handle = connection.Handle!;
        var busyTimeout = BusyTimeoutMs(connection);

        // As the provider: a DefaultTimeout of 0 waits without a limit (the caller's token still ends the wait).
        var limit = connection.DefaultTimeout == 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(busyTimeout);
        var started = Stopwatch.GetTimestamp();
        SQLitePCL.raw.sqlite3_busy_timeout(handle, 0);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rc = SQLitePCL.raw.sqlite3_exec(handle, "BEGIN IMMEDIATE;");
                if (rc == SQLitePCL.raw.SQLITE_OK)
                {
                    break;
                }

                // BUSY: another connection holds the write lock; LOCKED: a connection of a shared cache does (the provider
                // retries both). Extended codes (SQLITE_BUSY_RECOVERY, SQLITE_LOCKED_SHAREDCACHE, …) carry them in the low byte.
                if ((rc & 0xFF) is not (SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED))
                {
                    throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string(), rc, SQLitePCL.raw.sqlite3_extended_errcode(handle));
                }

                var waited = Stopwatch.GetElapsedTime(started);
                if (waited >= limit)
                {
                    throw new SqliteException("database is locked: another connection held SQLite's write lock for the whole command timeout", rc);
                }

                await Task.Delay(waited < TimeSpan.FromSeconds(1) ? 1 : 10, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, busyTimeout);
        }

        var transaction = new WriteTransaction(connection);
        if (cancellationToken.IsCancellationRequested)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return transaction;
    }

    // SQLite's busy handler for the statements that wait inside SQLite (the cleanup's DELETE, a COMMIT): the provider's
    // bound, the command timeout.
    private static int BusyTimeoutMs(SqliteConnection connection) => checked((int)Math.Min(int.MaxValue, connection.DefaultTimeout * 1000L));

    // A transaction begun by BeginWriteAsync: committed by CommitAsync, else rolled back when disposed. The provider
    // does not know of it (it began on the native handle), so the commands run without a transaction object.
    private sealed class WriteTransaction(SqliteConnection connection) : IAsyncDisposable
    {
        private bool _done;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var command = connection.CreateCommand();
            command.CommandText = "COMMIT;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _done = true;
        }

        public ValueTask DisposeAsync()
        {
            if (!_done)
            {
                _done = true;
                var handle = connection.Handle;
                if (handle is not null && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0
                    && SQLitePCL.raw.sqlite3_exec(handle, "ROLLBACK;") != SQLitePCL.raw.SQLITE_OK)
                {
                    // Never hand a connection still inside a transaction (holding the write lock) back to the pool.
                    SqliteConnection.ClearPool(connection);
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    // An expired row under the same key may be replaced; a live one (a tombstone included) never.
    private async Task<bool> InsertAsync(SqliteConnection connection, string key, SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {_table} (key, expires_at, version, user_key, data) VALUES ($key, $expires, $version, $user, $data)
            ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, version = excluded.version, user_key = excluded.user_key, data = excluded.data
            WHERE {_table}.expires_at <= $now;
            """;
        AddRecordParameters(command, key, record);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task WriteAsync(SqliteConnection connection, string key, SessionRecord record, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {_table} SET expires_at = $expires, version = $version, user_key = $user, data = $data WHERE key = $key;";
        AddRecordParameters(command, key, record);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddRecordParameters(SqliteCommand command, string key, SessionRecord record)
    {
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$expires", record.Lifetime.ExpiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$user", (object?)record.UserKey ?? DBNull.Value);
        command.Parameters.AddWithValue("$data", SessionEnvelope.Serialize(record));
    }

    // Databases created before the cleanup walked the primary key have an index on expires_at. Nothing reads it any
    // more, and every sliding write and every deleted row had to update it at a random place: drop it once. Another
    // process dropping it at the same time is fine (IF EXISTS); an older version of the store creates it again.
    private async Task DropExpiryIndexAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = $name;";
        command.Parameters.AddWithValue("$name", $"ix_{_table}_expires_at");
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
        {
            await ExecuteAsync(connection, $"DROP INDEX IF EXISTS ix_{_table}_expires_at;", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
