using MessagePack;

namespace TypedSessions.Tests.SessionApi;

/// <summary>Clear (every key, the session stays), Flush (the stored session ends) and CycleId (a new id with the data).</summary>
public sealed class SessionClearFlushCycleTests : SessionApiTestBase
{
    [Fact]
    public async Task A_flush_undone_by_DiscardChanges_keeps_the_keys_read_before_it_checked_when_written()
    {
        var id = await _h.SeedAsync(s => s.Set("n", 1));
        var session = await _h.LoadedAsync(id);
        var read = session.Get<int>("n");
        session.Flush();
        session.DiscardChanges();

        var other = await _h.LoadedAsync(id);
        other.Set("n", 10);
        await other.CommitAsync();

        // Without the read kept across the flush, this save would carry no expectation and overwrite the 10.
        session.Set("n", read + 1);
        await Assert.ThrowsAsync<SessionConflictException>(() => session.CommitAsync());
        Assert.Equal(10, (await _h.LoadedAsync(id)).Get<int>("n"));
    }

    [Fact]
    public async Task Clear_removes_every_key_but_keeps_the_session()
    {
        var id = await _h.SeedAsync(s =>
        {
            s.Set("a", 1);
            s.Set("b", 2);
        });
        var session = await _h.LoadedAsync(id);

        session.Clear();

        Assert.Equal(0, session.Count);
        Assert.Equal(0, session.Size);
        Assert.True(session.IsModified);
        Assert.False(session.IsNew);
        await session.CommitAsync();
        var record = await _h.StoredAsync(id);
        Assert.NotNull(record);
        Assert.Empty(record.Values);
        Assert.Equal(1, _h.Store.Saves);
    }

    [Fact]
    public async Task Clear_also_removes_keys_another_request_added_meanwhile()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var clearing = await _h.LoadedAsync(id);
        var other = await _h.LoadedAsync(id);
        other.Set("late", 1);
        await other.CommitAsync();

        clearing.Clear();
        clearing.Set("fresh", 2);
        await clearing.CommitAsync();

        Assert.Equal(["fresh"], (await _h.StoredAsync(id))!.Values.Keys);
    }

    [Fact]
    public void Clear_of_a_new_empty_session_changes_nothing()
    {
        var session = _h.NewSession();

        session.Clear();

        Assert.False(session.IsModified);
        Assert.Equal(0, session.ChangeStamp);
        Assert.Null(session.Id);
    }

    [Fact]
    public async Task Flush_deletes_the_stored_session_on_commit()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);
        var stamp = session.ChangeStamp;

        session.Flush();

        Assert.Equal(0, session.Count);
        Assert.True(session.IsNew);
        Assert.Null(session.Id);
        Assert.True(session.IsModified);
        Assert.Equal(stamp + 1, session.ChangeStamp);
        Assert.NotNull(await _h.StoredAsync(id)); // nothing happens before the commit

        await session.CommitAsync();

        Assert.Null(await _h.StoredAsync(id));
        Assert.Equal(1, _h.Store.Ends); // a tombstone, not a plain delete: see the interruption tests
        Assert.Equal(0, _h.Store.Creates + _h.Store.Saves + _h.Store.Deletes);
    }

    [Fact]
    public async Task Writes_after_flush_start_a_brand_new_session()
    {
        var id = await _h.SeedAsync(s =>
        {
            s.Set("a", 1);
            s.BindUser("u");
        });
        _h.Time.Advance(TimeSpan.FromMinutes(10));
        var session = await _h.LoadedAsync(id);

        session.Flush();
        session.Set("b", 2);
        await session.CommitAsync();

        Assert.NotEqual(id.StoreKey, session.Id!.StoreKey);
        Assert.Null(await _h.StoredAsync(id));
        var record = await _h.StoredAsync(session.Id);
        Assert.Equal(["b"], record!.Values.Keys);
        Assert.Equal(_h.Now, record.CreatedAt);
        Assert.Null(record.UserKey);
    }

    [Fact]
    public async Task CycleId_gives_a_new_id_keeps_the_data_and_deletes_the_old_id()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var session = await _h.LoadedAsync(id);
        var stamp = session.ChangeStamp;

        session.CycleId();

        var newId = session.Id!;
        Assert.NotEqual(id.StoreKey, newId.StoreKey);
        Assert.Equal(1, session.Get<int>("a"));
        Assert.True(session.IsModified);
        Assert.True(session.IsNew);
        Assert.Equal(stamp + 1, session.ChangeStamp);

        await session.CommitAsync();

        Assert.Null(await _h.StoredAsync(id));
        var record = await _h.StoredAsync(newId);
        Assert.Equal(1, MessagePackSerializer.Deserialize<int>(record!.Values["a"]));
        Assert.Equal(SessionTestHarness.Start, record.CreatedAt); // the absolute timeout still counts from the start
        Assert.Equal(SessionTestHarness.Start + Absolute, record.Lifetime.AbsoluteExpiresAt);
        Assert.Equal(1, _h.Store.Cycles); // one store operation: move, apply, tombstone
        Assert.Equal(0, _h.Store.Creates + _h.Store.Deletes + _h.Store.Saves);
        Assert.False(session.IsNew);
    }

    [Fact]
    public async Task CycleId_of_a_new_session_only_creates()
    {
        var session = _h.NewSession();
        session.Set("a", 1);
        var first = session.Id!;

        session.CycleId();
        await session.CommitAsync();

        Assert.NotEqual(first.StoreKey, session.Id!.StoreKey);
        Assert.Equal(1, _h.Store.Creates);
        Assert.Equal(0, _h.Store.Deletes);
        Assert.NotNull(await _h.StoredAsync(session.Id));
    }

    [Fact]
    public async Task CycleId_after_changes_keeps_them_in_the_new_session()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);

        session.Set("b", 2);
        session.Remove("a");
        session.CycleId();
        await session.CommitAsync();

        Assert.Equal(["b"], (await _h.StoredAsync(session.Id!))!.Values.Keys);
    }
}
