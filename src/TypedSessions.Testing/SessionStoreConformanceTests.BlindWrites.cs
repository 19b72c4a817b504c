using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

public abstract partial class SessionStoreConformanceTests
{
    // ---- blind writes (optional: ISessionBlindWriter with SessionStoreCapabilities.BlindWrites) ------------------------

    private ISessionBlindWriter? BlindWriter
        => Store is ISessionBlindWriter writer && Store.Capabilities.HasFlag(SessionStoreCapabilities.BlindWrites) ? writer : null;

    /// <summary>
    /// A blind save merges like a save (other keys kept, a key overwritten, a key removed), slides the idle window, and
    /// returns the lifetime it left — the one a load then reads. Stores without blind writes pass trivially.
    /// </summary>
    [Fact]
    public async Task A_blind_save_merges_keys_slides_the_expiry_and_returns_the_lifetime_it_left()
    {
        if (BlindWriter is not { } writer)
        {
            return;
        }

        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("keep", [1]), ("over", [2]), ("gone", [3]))));
        var later = T0 + TimeSpan.FromMinutes(5);
        var changes = new SessionChangeSet
        {
            Now = later,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["over"] = [20], ["new"] = [4] },
            RemovedKeys = ["gone"],
        };

        var result = await writer.SaveBlindAsync(key, changes, long.MaxValue);

        Assert.Equal(SessionWriteOutcome.Applied, result.Outcome);
        var loaded = await LoadAsync(key, later);
        Assert.NotNull(loaded);
        Assert.Equal("keep new over", string.Join(' ', loaded.Values.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal([1], loaded.Values["keep"]);
        Assert.Equal([20], loaded.Values["over"]);
        Assert.Equal([4], loaded.Values["new"]);
        Assert.Equal(later + IdleTimeout, loaded.Lifetime.ExpiresAt);
        Assert.Equal(loaded.Lifetime, result.Lifetime);
    }

    /// <summary>
    /// A blind save writes nothing to a key that holds no live session (never created, expired) and creates nothing; on
    /// a tombstone it reports <see cref="SessionWriteOutcome.Superseded"/> and leaves the tombstone.
    /// </summary>
    [Fact]
    public async Task A_blind_save_never_creates_a_session_and_leaves_a_tombstone_alone()
    {
        if (BlindWriter is not { } writer)
        {
            return;
        }

        var missing = NewKey();
        var result = await writer.SaveBlindAsync(missing, Set(T0, ("x", [1])), long.MaxValue);
        Assert.Equal(new SessionBlindWriteResult(SessionWriteOutcome.NotFound, null), result);
        Assert.Null(await LoadAsync(missing, T0));

        var expired = NewKey();
        Assert.True(await Store.CreateAsync(expired, NewRecord(null, ("old", [1]))));
        var afterIdle = T0 + IdleTimeout + TimeSpan.FromSeconds(1);
        Assert.Equal(SessionWriteOutcome.NotFound, (await writer.SaveBlindAsync(expired, Set(afterIdle, ("x", [1])), long.MaxValue)).Outcome);
        Assert.Null(await LoadAsync(expired, afterIdle));

        var ended = NewKey();
        Assert.True(await Store.CreateAsync(ended, NewRecord(null, ("old", [1]))));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.EndAsync(ended, T0, T0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(SessionWriteOutcome.Superseded, (await writer.SaveBlindAsync(ended, Set(T0, ("x", [1])), long.MaxValue)).Outcome);
        var tombstone = await Store.LoadAsync(ended, new SessionLoadRequest(T0, null));
        Assert.True(tombstone.IsSuperseded);
    }

    /// <summary>
    /// The size limit of a blind save counts what the session would hold after it (UTF-8 keys plus values): stored keys,
    /// an overwritten key at its new size, a removed key not at all. At the limit it applies; one byte over, it reports
    /// <see cref="SessionWriteOutcome.TooLarge"/> and the session is as it was.
    /// </summary>
    [Fact]
    public async Task A_blind_save_over_the_size_limit_writes_nothing()
    {
        if (BlindWriter is not { } writer)
        {
            return;
        }

        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("aa", new byte[100]), ("bb", new byte[50]), ("é", new byte[10]))));

        // After: aa (2 + 100) + é (2 + 10) + bb overwritten (2 + 200) + cc (2 + 30); "gone" absent changes nothing.
        var changes = new SessionChangeSet
        {
            Now = T0,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["bb"] = new byte[200], ["cc"] = new byte[30] },
            RemovedKeys = ["gone"],
        };
        const long after = 2 + 100 + 2 + 10 + 2 + 200 + 2 + 30;

        Assert.Equal(SessionWriteOutcome.TooLarge, (await writer.SaveBlindAsync(key, changes, after - 1)).Outcome);
        var unchanged = await LoadAsync(key, T0);
        Assert.NotNull(unchanged);
        Assert.Equal(50, unchanged.Values["bb"].Length);
        Assert.False(unchanged.Values.ContainsKey("cc"));

        Assert.Equal(SessionWriteOutcome.Applied, (await writer.SaveBlindAsync(key, changes, after)).Outcome);
        Assert.Equal(after, (await LoadAsync(key, T0))!.PayloadSize);

        // Removing a key makes room: the same limit now takes another 102 bytes only because "aa" goes.
        var swap = new SessionChangeSet
        {
            Now = T0,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["dd"] = new byte[100] },
            RemovedKeys = ["aa"],
        };
        Assert.Equal(SessionWriteOutcome.Applied, (await writer.SaveBlindAsync(key, swap, after)).Outcome);
        Assert.Equal(after, (await LoadAsync(key, T0))!.PayloadSize);
    }

    /// <summary>
    /// Concurrent blind saves of different keys to one session, racing towards its size limit: every save the store
    /// acknowledged is stored, every refused one is absent, and the session never exceeds the limit.
    /// </summary>
    [Fact]
    public async Task Concurrent_blind_saves_keep_every_acknowledged_write_and_never_pass_the_size_limit()
    {
        if (BlindWriter is not { } writer)
        {
            return;
        }

        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("seed", [1]))));
        var writers = ConcurrentWriters;
        const int each = 100;

        // Room for about half of the writers' keys ("kNNN" is 4 bytes plus its 100-byte value).
        long limit = 5 + ((writers / 2) * (4 + each)) + 50;
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
            (await writer.SaveBlindAsync(key, Set(T0, ($"k{i:000}", new byte[each])), limit)).Outcome)));

        var stored = await LoadAsync(key, T0);
        Assert.NotNull(stored);
        Assert.All(results, r => Assert.True(r is SessionWriteOutcome.Applied or SessionWriteOutcome.TooLarge, r.ToString()));
        for (var i = 0; i < writers; i++)
        {
            Assert.Equal(results[i] == SessionWriteOutcome.Applied, stored.Values.ContainsKey($"k{i:000}"));
        }

        Assert.Equal(writers / 2, results.Count(r => r == SessionWriteOutcome.Applied));
        Assert.InRange(stored.PayloadSize, 0, limit);
    }
}
