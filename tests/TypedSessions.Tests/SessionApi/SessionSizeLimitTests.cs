using MessagePack;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests.SessionApi;

/// <summary><c>MaxSessionSize</c>: writes over the limit, values grown past it in place, and sessions stored over it.</summary>
public sealed class SessionSizeLimitTests : SessionApiTestBase
{
    [Fact]
    public void A_write_over_the_size_limit_throws_and_changes_nothing()
    {
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 64);
        var session = h.NewSession();

        var ex = Assert.Throws<SessionTooLargeException>(() => session.Set("big", new string('x', 100)));

        Assert.Equal("big", ex.Key);
        Assert.Equal(64, ex.Limit);
        Assert.Equal(3 + 102, ex.Size); // key + str8 header (2) + 100
        Assert.Contains("105", ex.Message, StringComparison.Ordinal);
        Assert.Contains("64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'big'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, session.Count);
        Assert.Equal(0, session.Size);
        Assert.False(session.IsModified);
        Assert.Equal(0, session.ChangeStamp);
        Assert.Null(session.Id);
    }

    [Fact]
    public async Task Replacing_a_value_with_one_over_the_limit_keeps_the_old_value()
    {
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 64);
        var id = await h.SeedAsync(s => s.Set("a", "small"));
        var session = await h.LoadedAsync(id);
        var size = session.Size;

        Assert.Throws<SessionTooLargeException>(() => session.Set("a", new string('x', 100)));
        Assert.Throws<SessionTooLargeException>(() => session.SetBytes("b", new byte[100]));

        Assert.Equal("small", session.Get<string>("a"));
        Assert.Equal(size, session.Size);
        Assert.False(session.IsModified);
        await session.CommitAsync();
        Assert.Equal(0, h.Store.Saves);
    }

    [Fact]
    public async Task A_new_key_past_the_most_keys_a_store_loads_is_refused_and_the_session_still_loads()
    {
        // Without the check the 10,001st key was saved (60 KB, far under MaxSessionSize) and every later load treated
        // the session as corrupt, i.e. absent: a 2xx write that lost the whole session.
        using var h = new SessionTestHarness();
        var maxKeys = SessionEnvelopeLimits.Default.MaxKeys;
        var id = await h.SeedAsync(s =>
        {
            for (var i = 0; i < maxKeys; i++)
            {
                s.SetBytes("k" + i, [1]);
            }
        });
        var session = await h.LoadedAsync(id);
        Assert.Equal(maxKeys, session.Count);

        var ex = Assert.Throws<SessionTooLargeException>(() => session.SetBytes("one-more", [1]));

        Assert.Equal("one-more", ex.Key);
        Assert.Equal(-1, ex.Limit);
        Assert.Contains($"{maxKeys + 1} keys", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SessionEnvelopeLimits.MaxKeys", ex.Message, StringComparison.Ordinal);
        Assert.False(session.IsModified);

        // A key that exists may still change, and one removed makes room for another.
        session.SetBytes("k0", [2]);
        session.Remove("k1");
        session.SetBytes("one-more", [3]);
        await session.CommitAsync();
        var reloaded = await h.LoadedAsync(id);
        Assert.Equal(maxKeys, reloaded.Count);
        Assert.Equal(new byte[] { 3 }, reloaded.GetBytes("one-more")!.Value.ToArray());
        Assert.Equal(new byte[] { 2 }, reloaded.GetBytes("k0")!.Value.ToArray());
    }

    [Fact]
    public async Task A_blind_save_past_the_most_keys_a_store_loads_is_refused_by_the_store()
    {
        var store = new MemorySessionStore();
        var maxKeys = SessionEnvelopeLimits.Default.MaxKeys;
        var now = SessionTestHarness.Start;
        var values = Enumerable.Range(0, maxKeys).ToDictionary(i => "k" + i, _ => new byte[] { 1 }, StringComparer.Ordinal);
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, now, now, TimeSpan.FromMinutes(20), null);
        Assert.True(await store.CreateAsync("key", new SessionRecord(values, now, lifetime, version: 1, userKey: null)));

        var refused = await store.SaveBlindAsync("key", new SessionChangeSet { Now = now, SetValues = new Dictionary<string, byte[]> { ["one-more"] = [1] } }, long.MaxValue);
        var replaced = await store.SaveBlindAsync("key", new SessionChangeSet { Now = now, SetValues = new Dictionary<string, byte[]> { ["k0"] = [2] } }, long.MaxValue);

        Assert.Equal(SessionWriteOutcome.TooLarge, refused.Outcome);
        Assert.Equal(SessionWriteOutcome.Applied, replaced.Outcome);
        var stored = (await store.LoadAsync("key", new SessionLoadRequest(now, null))).Record!;
        Assert.Equal(maxKeys, stored.Values.Count);
        Assert.False(stored.Values.ContainsKey("one-more"));
    }

    [Fact]
    public void A_session_may_fill_the_limit_exactly()
    {
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 64);
        var session = h.NewSession();

        session.SetBytes("k", new byte[63]);
        Assert.Equal(64, session.Size);
        Assert.Throws<SessionTooLargeException>(() => session.SetBytes("l", []));
        session.SetBytes("k", new byte[62]);
        session.SetBytes("l", []);
        Assert.Equal(64, session.Size);
    }

    [Fact]
    public async Task A_value_grown_past_the_limit_in_place_fails_the_commit_and_writes_nothing()
    {
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 64);
        var id = await h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await h.LoadedAsync(id);

        Cart(session).AddRange(Enumerable.Range(0, 100));
        var ex = await Assert.ThrowsAsync<SessionTooLargeException>(session.CommitAsync);

        Assert.Null(ex.Key);
        Assert.Equal(64, ex.Limit);
        Assert.True(ex.Size > 64);
        Assert.Equal(0, h.Store.Saves);
        Assert.Equal([1], MessagePackSerializer.Deserialize<List<int>>((await h.StoredAsync(id))!.Values["cart"]));
    }

    [Fact]
    public async Task A_stored_session_already_over_the_limit_can_still_be_read_and_committed()
    {
        // E.g. written before the limit was lowered, or by an instance with a larger limit.
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 64);
        var id = SessionId.New();
        var lifetime = h.Coordinator.Environment.ComputeLifetime(SessionExpiryMode.Default, h.Now, null);
        var values = new Dictionary<string, byte[]>
        {
            ["big"] = MessagePackSerializer.Serialize(new string('x', 100)),
            ["small"] = MessagePackSerializer.Serialize(1),
        };
        await h.Memory.CreateAsync(id.StoreKey, new SessionRecord(values, h.Now, lifetime));
        var session = await h.LoadedAsync(id);

        Assert.Equal(new string('x', 100), session.Get<string>("big"));
        Assert.True(session.Size > 64);
        await session.CommitAsync();

        Assert.Equal(0, h.Store.Saves + h.Store.Creates + h.Store.Deletes);
    }

    [Fact]
    public async Task A_session_over_the_limit_can_shrink_below_it()
    {
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 64);
        var id = SessionId.New();
        var lifetime = h.Coordinator.Environment.ComputeLifetime(SessionExpiryMode.Default, h.Now, null);
        var values = new Dictionary<string, byte[]>
        {
            ["big"] = MessagePackSerializer.Serialize(new string('x', 100)),
            ["small"] = MessagePackSerializer.Serialize(1),
        };
        await h.Memory.CreateAsync(id.StoreKey, new SessionRecord(values, h.Now, lifetime));
        var session = await h.LoadedAsync(id);

        Assert.Throws<SessionTooLargeException>(() => session.Set("other", 2));
        Assert.True(session.Remove("big"));
        session.Set("other", 2);
        await session.CommitAsync();

        Assert.Equal(["other", "small"], (await h.StoredAsync(id))!.Values.Keys.Order(StringComparer.Ordinal));
    }
}
