using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.File;

namespace TypedSessions.Testing.Tests;

// The file store has no backend that can be "down": a missing folder is an empty store, so it runs the
// persistent suite (corrupt data) but not the outage tests of BackendSessionStoreConformanceTests.
public sealed class FileStoreConformanceTests : PersistentSessionStoreConformanceTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ts-file-kit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    protected override Task<ISessionStore> CreateStoreAsync()
        => Task.FromResult<ISessionStore>(new FileSessionStore(Options.Create(new FileSessionStoreOptions { Folder = Path.Combine(_root, "sessions") })));

    protected override async Task CorruptAsync(ISessionStore store, string key)
    {
        var path = Path.Combine(((FileSessionStore)store).Folder, key[..2], key + ".session");
        Assert.True(File.Exists(path));
        await File.WriteAllBytesAsync(path, [0xc1, 0xc1, 0xc1]);
    }
}
