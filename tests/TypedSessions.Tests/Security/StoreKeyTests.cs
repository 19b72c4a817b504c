using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TypedSessions.Ids;
using TypedSessions.Storage.File;
using TypedSessions.Storage.Memory;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Security;

/// <summary>
/// Stores are keyed by SHA-256 of the id, never the id (a leaked store or backup does not hand out
/// live sessions). Integration/LifecycleTests checks one key; here every key a store receives over
/// a lifecycle is checked, and the file store's files on disk are searched for raw ids.
/// </summary>
public sealed partial class StoreKeyTests
{
    [Fact]
    public async Task Every_key_a_store_receives_is_the_sha256_of_an_id_and_never_an_id()
    {
        KeyRecordingStore? recording = null;
        await using var app = await SecurityEndpoints.StartAsync(store: _ => recording = new KeyRecordingStore(new MemorySessionStore()));
        using var client = app.CreateClient();
        var ids = await RunLifecycleAsync(client);

        var hashes = ids.ToDictionary(HashOf, id => id, StringComparer.Ordinal);
        Assert.NotEmpty(recording!.Keys);
        Assert.Contains(recording.Keys, k => k.Operation == "create");
        Assert.Contains(recording.Keys, k => k.Operation == "load");
        Assert.Contains(recording.Keys, k => k.Operation == "save");
        Assert.Contains(recording.Keys, k => k.Operation == "end");
        foreach (var (operation, key) in recording.Keys)
        {
            Assert.Matches(StoreKeyPattern(), key);
            Assert.True(hashes.ContainsKey(key), $"{operation} got a key that is no issued id's hash");
            Assert.DoesNotContain(ids, id => key.Contains(id, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_file_store_never_writes_a_raw_id_to_disk()
    {
        var folder = Directory.CreateTempSubdirectory("typedsessions-keys-").FullName;
        try
        {
            await using var app = await SecurityEndpoints.StartAsync(
                store: _ => new FileSessionStore(Options.Create(new FileSessionStoreOptions { Folder = folder })));
            using var client = app.CreateClient();
            var ids = await RunLifecycleAsync(client);
            await client.PostAsync("/login?user=carol");
            ids.Add(client.Cookie!);

            var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
            var sessions = files.Where(f => f.EndsWith(".session", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(sessions);
            Assert.All(sessions, f => Assert.Matches(StoreKeyPattern(), Path.GetFileNameWithoutExtension(f)));
            foreach (var file in files)
            {
                var content = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
                foreach (var id in ids)
                {
                    var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(id);
                    Assert.DoesNotContain(id, file, StringComparison.Ordinal);
                    Assert.DoesNotContain(id, content, StringComparison.Ordinal);
                    Assert.DoesNotContain(System.Text.Encoding.Latin1.GetString(bytes), content, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Create, read, write, login (cycle), expiry change, logout (flush), and a new session after it.
    private static async Task<List<string>> RunLifecycleAsync(SessionClient client)
    {
        var ids = new List<string>();
        await client.PostAsync("/set?key=cart&value=1");
        ids.Add(client.Cookie!);
        await client.GetStringAsync("/read?key=cart");
        await client.PostAsync("/set?key=cart&value=2");
        await client.PostAsync("/login?user=alice");
        ids.Add(client.Cookie!);
        await client.PostAsync("/expiry/relative?seconds=600");
        await client.PostAsync("/logout");
        await client.PostAsync("/set?key=cart&value=3");
        ids.Add(client.Cookie!);
        return ids;
    }

    private static string HashOf(string rawId)
    {
        Assert.True(SessionId.TryParse(rawId, out _));
        return Convert.ToHexStringLower(SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(rawId)));
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex StoreKeyPattern();
}
