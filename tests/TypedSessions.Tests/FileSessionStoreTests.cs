using Microsoft.Extensions.Options;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.File;

namespace TypedSessions.Tests;

public sealed class FileSessionStoreTests : StoreTestHelpers, IDisposable
{
    private readonly string _folder;
    private readonly FileSessionStore _store;

    public FileSessionStoreTests()
    {
        _folder = Path.Combine(Path.GetTempPath(), "typedsessions-tests", Guid.NewGuid().ToString("N"));
        _store = NewStore();
    }

    protected override ISessionStore Store => _store;

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private FileSessionStore NewStore(SessionEnvelopeLimits? limits = null)
        => new(Options.Create(new FileSessionStoreOptions { Folder = _folder, Limits = limits ?? SessionEnvelopeLimits.Default }));

    private string PathFor(string key) => Path.Combine(_folder, key[..2], key + ".session");

    private string[] AllFiles() => Directory.Exists(_folder)
        ? Directory.GetFiles(_folder, "*", SearchOption.AllDirectories)
        : [];

    [Fact]
    public void Requires_a_folder()
    {
        Assert.Throws<InvalidOperationException>(() => new FileSessionStore(Options.Create(new FileSessionStoreOptions())));
        Assert.Throws<InvalidOperationException>(() => new FileSessionStore(Options.Create(new FileSessionStoreOptions { Folder = "  " })));
        Assert.Equal(Path.GetFullPath(_folder), _store.Folder);
    }

    [Fact]
    public async Task The_file_is_named_by_the_hashed_id_and_holds_the_envelope()
    {
        var id = SessionId.New();
        var record = NewRecord(values: [("a", 1)]);

        await _store.CreateAsync(id.StoreKey, record);

        var path = PathFor(id.StoreKey);
        Assert.True(File.Exists(path));
        Assert.Equal(id.StoreKey[..2], Path.GetFileName(Path.GetDirectoryName(path)));
        Assert.DoesNotContain(AllFiles(), f => f.Contains(id.Value, StringComparison.Ordinal));
        var decoded = SessionEnvelope.Deserialize(await File.ReadAllBytesAsync(path));
        Assert.Equal(record.Lifetime, decoded.Lifetime);
        Assert.Equal(new byte[] { 1 }, decoded.Values["a"]);
    }

    [Fact]
    public async Task Delete_removes_the_file()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord());

        await _store.DeleteAsync(key);

        Assert.False(File.Exists(PathFor(key)));
    }

    [Fact]
    public async Task Writes_leave_no_temporary_files()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord());
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => await _store.SaveAsync(key, Set(T0, ("k" + i, (byte)i))))));
        await _store.TouchAsync(key, T0.AddMinutes(10), 0);
        await _store.LoadAsync(key, new SessionLoadRequest(T0.AddMinutes(18), 0.1));

        var files = AllFiles();
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Single(files, f => f.EndsWith(".session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_save_replaces_the_file_by_rename_not_in_place()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord(values: [("a", 1)]));

        // A reader that opened the old file keeps reading the old, complete content.
        await using (var reader = new FileStream(PathFor(key), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            await _store.SaveAsync(key, Set(T0, ("b", 2)));
            using var copy = new MemoryStream();
            await reader.CopyToAsync(copy);
            AssertValues(SessionEnvelope.Deserialize(copy.ToArray()), ("a", 1));
        }

        AssertValues(await LoadAsync(key), ("a", 1), ("b", 2));
    }

    [Fact]
    public async Task A_corrupt_file_makes_load_throw_SessionDataException()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord(values: [("a", 1)]));
        var path = PathFor(key);
        var valid = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, valid[..^3]);

        await Assert.ThrowsAsync<SessionDataException>(async () => await _store.LoadAsync(key, new SessionLoadRequest(T0, null)));
        await Assert.ThrowsAsync<SessionDataException>(async () => await _store.LoadAsync(key, new SessionLoadRequest(T0.AddMinutes(10), 0)));

        await File.WriteAllBytesAsync(path, "not messagepack at all"u8.ToArray());
        await Assert.ThrowsAsync<SessionDataException>(async () => await _store.LoadAsync(key, new SessionLoadRequest(T0, null)));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_corrupt()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord(values: [("a", 1)]));
        var small = NewStore(new SessionEnvelopeLimits { MaxEnvelopeBytes = 10 });

        await Assert.ThrowsAsync<SessionDataException>(async () => await small.LoadAsync(key, new SessionLoadRequest(T0, null)));
    }

    [Fact]
    public async Task A_corrupt_file_is_not_overwritten_by_save_or_touch_nor_deleted_by_cleanup()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord());
        var path = PathFor(key);
        byte[] garbage = [0x99, 0x01, 0x02];
        await File.WriteAllBytesAsync(path, garbage);

        await Assert.ThrowsAsync<SessionDataException>(async () => await _store.SaveAsync(key, Set(T0, ("a", 1))));
        await Assert.ThrowsAsync<SessionDataException>(async () => await _store.TouchAsync(key, T0.AddMinutes(10), 0));
        Assert.Equal(0, await _store.DeleteExpiredAsync(T0.AddDays(1)));

        Assert.Equal(garbage, await File.ReadAllBytesAsync(path));
        Assert.True(await _store.DeleteAsync(key));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Create_over_a_corrupt_file_replaces_it()
    {
        var key = NewKey();
        Directory.CreateDirectory(Path.GetDirectoryName(PathFor(key))!);
        await File.WriteAllBytesAsync(PathFor(key), [0x01]);

        Assert.True(await _store.CreateAsync(key, NewRecord(values: [("a", 1)])));

        AssertValues(await LoadAsync(key), ("a", 1));
    }

    [Fact]
    public async Task DeleteExpired_on_a_missing_folder_reports_zero()
    {
        var progress = new ProgressLog();

        Assert.Equal(0, await _store.DeleteExpiredAsync(T0, progress));

        Assert.Equal(new SessionCleanupProgress(0, 0), Assert.Single(progress.Reports));
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task DeleteExpired_reports_progress_every_hundred_and_ignores_foreign_files()
    {
        for (var i = 0; i < 250; i++)
        {
            await _store.CreateAsync(NewKey(), NewRecord());
        }

        var foreign = Path.Combine(_folder, "readme.session");
        await File.WriteAllTextAsync(foreign, "not a session");

        var progress = new ProgressLog();
        Assert.Equal(250, await _store.DeleteExpiredAsync(T0.AddDays(1), progress));

        var reports = progress.Reports;
        Assert.Contains(reports, r => r.Deleted == 100);
        Assert.Contains(reports, r => r.Deleted == 200);
        Assert.Equal(new SessionCleanupProgress(250, 250), reports[^1]);
        AssertMonotonic(reports);
        Assert.True(File.Exists(foreign));
        Assert.DoesNotContain(AllFiles(), f => f.EndsWith(".session", StringComparison.Ordinal) && f != foreign);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("../../../../../../tmp/typedsessions-escape")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000/../x")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Every_operation_rejects_a_key_that_is_not_a_hash(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.LoadAsync(key, new SessionLoadRequest(T0, null)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.CreateAsync(key, NewRecord()));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.SaveAsync(key, Set(T0, ("a", 1))));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.TouchAsync(key, T0, 0));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _store.DeleteAsync(key));

        Assert.DoesNotContain(AllFiles(), f => f.EndsWith(".session", StringComparison.Ordinal));
        Assert.False(File.Exists("/tmp/typedsessions-escape.session"));
    }

    [Fact]
    public async Task Two_store_instances_on_one_folder_merge_concurrent_saves()
    {
        // A second instance has its own in-process locks, as a second process would; only the
        // lock files keep the two from losing each other's writes.
        var other = NewStore();
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord());

        var saves = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? _store : other;
            return await store.SaveAsync(key, Set(T0, ("k" + i, (byte)i)));
        }));
        Assert.All(await Task.WhenAll(saves), r => Assert.Equal(SessionWriteOutcome.Applied, r));

        foreach (var store in new[] { _store, other })
        {
            var record = (await store.LoadAsync(key, new SessionLoadRequest(T0, null))).Record;
            Assert.NotNull(record);
            Assert.Equal(100, record.Values.Count);
            Assert.Equal(101, record.Version);
        }

        Assert.DoesNotContain(AllFiles(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_instance_sees_what_the_first_wrote()
    {
        var key = NewKey();
        await _store.CreateAsync(key, NewRecord(values: [("a", 1)]));
        var other = NewStore();

        Assert.False(await other.CreateAsync(key, NewRecord()));
        Assert.Equal(SessionWriteOutcome.Applied, await other.SaveAsync(key, Set(T0, ("b", 2))));
        Assert.True(await other.DeleteAsync(NewKey()) is false);

        AssertValues(await LoadAsync(key), ("a", 1), ("b", 2));
    }
}
