using Microsoft.Extensions.Options;

namespace TypedSessions.Storage.File;

/// <summary>
/// One file per session, named by the hashed id, in two-character shard folders. Writes go to a
/// temporary file that is renamed over the old one, so readers never see half a session. Changes
/// (save, touch, delete) hold a lock — in-process and, through a lock file, across processes — so
/// per-key merges are atomic.
/// </summary>
public sealed class FileSessionStore : ISessionStore, ISessionBlindWriter, ISessionUserIndex, ISessionUserListing, ISessionStoreStatistics, ISessionStoreHealth
{
    /// <summary>The name that selects this store in <c>TypedSessions:Store</c>.</summary>
    public const string StoreName = "File";

    private const string Extension = ".session";
    private const int StripeCount = 64;

    private readonly string _folder;
    private readonly string _lockFolder;
    private readonly SessionEnvelopeLimits _limits;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, StripeCount).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Creates the store.</summary>
    /// <param name="options">The folder and decoder limits.</param>
    public FileSessionStore(IOptions<FileSessionStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = options.Value.Folder;
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new InvalidOperationException("FileSessionStoreOptions.Folder is not set (TypedSessions:Folder).");
        }

        _folder = Path.GetFullPath(folder);
        _lockFolder = Path.Combine(_folder, ".locks");
        _limits = options.Value.Limits;
    }

    /// <summary>The folder holding the session files.</summary>
    public string Folder => _folder;

    /// <inheritdoc/>
    public SessionStoreCapabilities Capabilities => SessionStoreCapabilities.AtomicMerge | SessionStoreCapabilities.UserIndex | SessionStoreCapabilities.BlindWrites;

    /// <inheritdoc/>
    public async ValueTask<SessionLoadResult> LoadAsync(string key, SessionLoadRequest request, CancellationToken cancellationToken = default)
    {
        var result = SessionLoadResult.From(await ReadAsync(key, cancellationToken).ConfigureAwait(false), request);
        if (!result.Touched)
        {
            return result;
        }

        using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var current = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Lifetime.Touch(request.Now, request.TouchThreshold!.Value) is not { } touched)
            {
                return SessionLoadResult.From(current, request with { TouchThreshold = null });
            }

            var record = current.WithLifetime(touched);
            await WriteAsync(key, record, cancellationToken).ConfigureAwait(false);
            return new SessionLoadResult(record, true);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string key, SessionRecord record, CancellationToken cancellationToken = default)
    {
        using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            if (await ReadOrNullIfCorruptAsync(key, cancellationToken).ConfigureAwait(false) is { } existing && !existing.Lifetime.IsExpired(record.CreatedAt))
            {
                return false;
            }

            await WriteAsync(key, record, cancellationToken).ConfigureAwait(false);
            return true;
        }
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
        using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var stored = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            var outcome = SessionRecord.TryApply(stored, changes, maxSize ?? long.MaxValue, _limits.MaxKeys, out var updated);
            if (outcome == SessionWriteOutcome.Applied)
            {
                await WriteAsync(key, updated!, cancellationToken).ConfigureAwait(false);
            }

            return (outcome, updated);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Under the locks of both keys: the new file is written first, then the old one is replaced by the tombstone, so a
    /// crash in between leaves the old session as it was (the new file is reachable by nobody and expires).
    /// </remarks>
    public async ValueTask<SessionWriteOutcome> CycleAsync(string key, string newKey, SessionChangeSet changes, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        SessionStoreKey.ThrowIfInvalid(key);
        SessionStoreKey.ThrowIfInvalid(newKey);
        var (first, second) = StripeOf(key) <= StripeOf(newKey) ? (key, newKey) : (newKey, key);
        using (await LockAsync(first, cancellationToken).ConfigureAwait(false))
        using (await LockAsync(second, cancellationToken, alreadyHeld: first).ConfigureAwait(false))
        {
            var outcome = SessionRecord.TryApply(await ReadAsync(key, cancellationToken).ConfigureAwait(false), changes, long.MaxValue, _limits.MaxKeys, out var moved);
            if (outcome == SessionWriteOutcome.Applied)
            {
                await WriteAsync(newKey, moved!, cancellationToken).ConfigureAwait(false);
                await WriteAsync(key, SessionRecord.Tombstone(changes.Now, tombstoneExpiresAt), cancellationToken).ConfigureAwait(false);
            }

            return outcome;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SessionWriteOutcome> EndAsync(string key, DateTimeOffset now, DateTimeOffset tombstoneExpiresAt, CancellationToken cancellationToken = default)
    {
        using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var outcome = SessionRecord.EndOutcome(await ReadOrNullIfCorruptAsync(key, cancellationToken).ConfigureAwait(false), now);
            if (outcome == SessionWriteOutcome.Applied)
            {
                await WriteAsync(key, SessionRecord.Tombstone(now, tombstoneExpiresAt), cancellationToken).ConfigureAwait(false);
            }

            return outcome;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TouchAsync(string key, DateTimeOffset now, double threshold, CancellationToken cancellationToken = default)
    {
        using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var existing = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing?.Lifetime.Touch(now, threshold) is not { } touched)
            {
                return false;
            }

            await WriteAsync(key, existing.WithLifetime(touched), cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
        {
            var path = PathFor(key);
            if (!System.IO.File.Exists(path))
            {
                return false;
            }

            System.IO.File.Delete(path);
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> DeleteExpiredAsync(DateTimeOffset now, IProgress<SessionCleanupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var deleted = await DeleteWhereAsync(
            record => record.Lifetime.IsExpired(now),
            count =>
            {
                if (count % 100 == 0)
                {
                    progress?.Report(new SessionCleanupProgress(count, null));
                }
            },
            cancellationToken).ConfigureAwait(false);
        progress?.Report(new SessionCleanupProgress(deleted, deleted));
        return deleted;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The file store keeps no separate index: this reads every session file (under each file's lock)
    /// and deletes those bound to <paramref name="userKey"/>, so it costs one pass over the folder.
    /// Corrupt files are skipped.
    /// </remarks>
    public async ValueTask<long> RevokeUserAsync(string userKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        return await DeleteWhereAsync(record => string.Equals(record.UserKey, userKey, StringComparison.Ordinal), null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Reads every session file once, without locks (writes replace whole files by rename); corrupt files are skipped.</remarks>
    public async ValueTask<IReadOnlyList<string>> ListUserSessionKeysAsync(string userKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userKey);
        var keys = new List<string>();
        foreach (var (_, key) in SessionFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ReadOrNullIfCorruptAsync(key, cancellationToken).ConfigureAwait(false) is { } record
                && string.Equals(record.UserKey, userKey, StringComparison.Ordinal)
                && record.Lifetime.ExpiresAt > now)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads every session file once, without taking the per-session locks (writes replace whole files
    /// by rename, so a read sees one complete version). A session's size is its file's length (the
    /// encoded record). Corrupt files are not counted.
    /// </remarks>
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sizes = new List<long>();
        long expired = 0;
        foreach (var (path, _) in SessionFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] bytes;
            try
            {
                bytes = await System.IO.File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                continue;
            }

            SessionRecord record;
            try
            {
                record = SessionEnvelope.Deserialize(bytes, _limits);
            }
            catch (SessionDataException)
            {
                continue;
            }

            if (record.Lifetime.IsExpired(now))
            {
                expired++;
            }
            else if (!record.IsTombstone)
            {
                sizes.Add(bytes.Length);
            }
        }

        var summary = SessionSizeSummary.FromSizes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sizes));
        return new SessionStoreStatistics(sizes.Count, expired, summary);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// What every write needs: the folder (and its lock folder) exists or can be created, and a probe file can be
    /// written in it and deleted. Session files are not read.
    /// </remarks>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(_folder, ".health." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            Directory.CreateDirectory(_lockFolder);
            try
            {
                await System.IO.File.WriteAllBytesAsync(probe, [1], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Deleting is part of the probe (the store deletes files), and a probe file a failed write left behind goes too.
                if (System.IO.File.Exists(probe))
                {
                    System.IO.File.Delete(probe);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SessionStoreException($"The session folder {_folder} cannot be written: {ex.Message}", ex);
        }
    }

    private string PathFor(string key)
    {
        SessionStoreKey.ThrowIfInvalid(key);
        return Path.Combine(_folder, key[..2], key + Extension);
    }

    // The session files in the folder and their store keys; other files (temporary files, locks, strays) are skipped.
    private IEnumerable<(string Path, string Key)> SessionFiles()
    {
        if (!Directory.Exists(_folder))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(_folder, "*" + Extension, SearchOption.AllDirectories))
        {
            var key = Path.GetFileNameWithoutExtension(path);
            if (SessionStoreKey.IsValid(key))
            {
                yield return (path, key);
            }
        }
    }

    // Deletes, each under its file's lock, the sessions whose record matches; a corrupt file has no readable record and
    // is left for an operator rather than guessed at. deletedSoFar hears the running count after each deletion.
    private async Task<long> DeleteWhereAsync(Func<SessionRecord, bool> matches, Action<long>? deletedSoFar, CancellationToken cancellationToken)
    {
        long deleted = 0;
        foreach (var (path, key) in SessionFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (await LockAsync(key, cancellationToken).ConfigureAwait(false))
            {
                if (await ReadOrNullIfCorruptAsync(key, cancellationToken).ConfigureAwait(false) is { } record && matches(record))
                {
                    System.IO.File.Delete(path);
                    deleted++;
                    deletedSoFar?.Invoke(deleted);
                }
            }
        }

        return deleted;
    }

    private async Task<SessionRecord?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await System.IO.File.ReadAllBytesAsync(PathFor(key), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return SessionEnvelope.Deserialize(bytes, _limits);
    }

    private async Task<SessionRecord?> ReadOrNullIfCorruptAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionDataException)
        {
            return null;
        }
    }

    private async Task WriteAsync(string key, SessionRecord record, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await System.IO.File.WriteAllBytesAsync(temp, SessionEnvelope.Serialize(record), cancellationToken).ConfigureAwait(false);
            System.IO.File.Move(temp, path, overwrite: true);
        }
        catch
        {
            System.IO.File.Delete(temp);
            throw;
        }
    }

    private static int StripeOf(string key) => (int)(Convert.ToUInt32(key[..8], 16) % StripeCount);

    // alreadyHeld: a key whose lock the caller holds; when it shares the stripe there is nothing more to take.
    // Two keys are always locked in stripe order (CycleAsync), so no two cycles deadlock.
    private async Task<IDisposable> LockAsync(string key, CancellationToken cancellationToken, string? alreadyHeld = null)
    {
        SessionStoreKey.ThrowIfInvalid(key);
        var stripe = StripeOf(key);
        if (alreadyHeld is not null && StripeOf(alreadyHeld) == stripe)
        {
            return NoLock.Instance;
        }

        var gate = _stripes[stripe];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_lockFolder);
            var lockPath = Path.Combine(_lockFolder, stripe.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + ".lock");
            while (true)
            {
                try
                {
                    // An exclusive handle is the cross-process lock; the OS drops it if the process dies.
                    var handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new Releaser(handle, gate);
                }
                catch (IOException)
                {
                    await Task.Delay(5, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Releaser(FileStream handle, SemaphoreSlim gate) : IDisposable
    {
        public void Dispose()
        {
            handle.Dispose();
            gate.Release();
        }
    }
}
