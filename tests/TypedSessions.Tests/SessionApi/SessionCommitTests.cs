using MessagePack;
using TypedSessions.Storage;

namespace TypedSessions.Tests.SessionApi;

/// <summary>Commit: a new session is created (never under its raw id), a loaded one saves only its changes (per-key merge), and an unchanged one is not written.</summary>
public sealed class SessionCommitTests : SessionApiTestBase
{
    [Fact]
    public async Task Committing_a_new_session_creates_its_record()
    {
        var session = _h.NewSession();
        session.Set("a", 1);
        session.Set("b", "two");
        session.BindUser("user-9");

        await session.CommitAsync();

        Assert.Equal(1, _h.Store.Creates);
        Assert.Equal(1, _h.Store.Calls);
        var record = await _h.StoredAsync(session.Id!);
        Assert.NotNull(record);
        Assert.Equal(2, record.Values.Count);
        Assert.Equal(1, MessagePackSerializer.Deserialize<int>(record.Values["a"]));
        Assert.Equal("two", MessagePackSerializer.Deserialize<string>(record.Values["b"]));
        Assert.Equal(_h.Now, record.CreatedAt);
        Assert.Equal(_h.Now + Idle, record.Lifetime.ExpiresAt);
        Assert.Equal(_h.Now + Absolute, record.Lifetime.AbsoluteExpiresAt);
        Assert.Equal(SessionExpiryMode.Default, record.Lifetime.Mode);
        Assert.Equal("user-9", record.UserKey);
        Assert.Equal(1, record.Version);
        Assert.False(session.IsNew);
    }

    [Fact]
    public async Task The_store_never_sees_the_raw_id()
    {
        var session = _h.NewSession();
        session.Set("a", 1);

        await session.CommitAsync();

        Assert.NotNull((await _h.Memory.LoadAsync(session.Id!.StoreKey, new SessionLoadRequest(_h.Now, null))).Record);
        Assert.Null((await _h.Memory.LoadAsync(session.Id.Value, new SessionLoadRequest(_h.Now, null))).Record);
    }

    [Fact]
    public async Task Writes_after_commit_throw_but_reads_still_work()
    {
        var session = _h.NewSession();
        session.Set("a", 1);
        await session.CommitAsync();

        Assert.Throws<InvalidOperationException>(() => session.Set("b", 2));
        Assert.Throws<InvalidOperationException>(() => session.Remove("a"));
        Assert.Throws<InvalidOperationException>(() => session.Clear());
        Assert.Throws<InvalidOperationException>(() => session.Flush());
        Assert.Throws<InvalidOperationException>(() => session.CycleId());
        Assert.Throws<InvalidOperationException>(() => session.SetExpiry(TimeSpan.FromMinutes(1)));
        Assert.Equal(1, session.Get<int>("a"));
        Assert.True(session.IsLoaded);

        await session.CommitAsync(); // a second commit does nothing
        Assert.Equal(1, _h.Store.Calls);
    }

    [Fact]
    public async Task Committing_a_loaded_session_saves_only_its_changes()
    {
        var id = await _h.SeedAsync(s =>
        {
            s.Set("keep", 1);
            s.Set("change", 2);
            s.Set("drop", 3);
        });
        var session = await _h.LoadedAsync(id);

        session.Set("change", 20);
        session.Set("add", 4);
        session.Remove("drop");
        await session.CommitAsync();

        Assert.Equal(1, _h.Store.Saves);
        Assert.Equal(0, _h.Store.Creates);
        var record = await _h.StoredAsync(id);
        Assert.Equal(["add", "change", "keep"], record!.Values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(20, MessagePackSerializer.Deserialize<int>(record.Values["change"]));
        Assert.Equal(2, record.Version);
    }

    [Fact]
    public async Task Two_requests_changing_different_keys_keep_both_writes()
    {
        var id = await _h.SeedAsync(s => s.Set("base", 0));
        var first = await _h.LoadedAsync(id);
        var second = await _h.LoadedAsync(id);

        first.Set("a", 1);
        second.Set("b", 2);
        second.Remove("base");
        await first.CommitAsync();
        await second.CommitAsync();

        var record = await _h.StoredAsync(id);
        Assert.Equal(["a", "b"], record!.Values.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unchanged_loaded_session_is_not_written()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);
        _ = session.Get<int>("a");

        await session.CommitAsync();

        Assert.Equal(1, _h.Store.Calls);
        Assert.Equal(1, (await _h.StoredAsync(id))!.Version);
    }

    [Fact]
    public async Task Removing_an_absent_key_changes_nothing()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);

        Assert.False(session.Remove("zzz"));
        await session.CommitAsync();

        Assert.False(session.IsModified);
        Assert.Equal(0, session.ChangeStamp);
        Assert.Equal(0, _h.Store.Saves);
    }
}
