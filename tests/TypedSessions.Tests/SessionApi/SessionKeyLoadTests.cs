using TypedSessions.Ids;

namespace TypedSessions.Tests.SessionApi;

/// <summary>
/// Loading some keys (<see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>): one store call that
/// returns only those values; what was not loaded is never guessed (reads of it throw, what needs every key throws), a
/// write is saved by key with the store checking the size limit and the values read, and loading the rest keeps what
/// this request read and wrote.
/// </summary>
public sealed class SessionKeyLoadTests : SessionApiTestBase
{
    public SessionKeyLoadTests() => _h.Store.OffersKeyReads = true;

    private Task<SessionId> SeedAbcAsync() => _h.SeedAsync(s =>
    {
        s.Set("a", 1);
        s.Set("b", "two");
        s.Set("c", new byte[500]);
    });

    [Fact]
    public async Task Loading_some_keys_is_one_store_call_that_asks_for_those_and_reads_them()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);

        await session.LoadKeysAsync("a", "missing");

        Assert.Equal(1, _h.Store.KeyLoads);
        Assert.Equal(1, _h.Store.Calls);
        Assert.Contains("a", _h.Store.LastKeysLoaded!);
        Assert.Contains("missing", _h.Store.LastKeysLoaded!);
        Assert.DoesNotContain("c", _h.Store.LastKeysLoaded!);
        Assert.True(session.IsPartiallyLoaded);
        Assert.False(session.IsLoaded);
        Assert.Equal(1, session.Get<int>("a"));
        Assert.False(session.ContainsKey("missing"));
        Assert.False(session.IsNew);
        Assert.NotNull(session.CreatedAt);
    }

    [Fact]
    public async Task A_key_not_loaded_is_never_read_as_absent_and_what_needs_every_key_throws()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");

        var notLoaded = Assert.Throws<InvalidOperationException>(() => session.Get<string>("b"));
        Assert.Contains("'b' is not loaded", notLoaded.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => session.ContainsKey("b"));
        Assert.Throws<InvalidOperationException>(() => session.GetBytes("b"));
        Assert.Throws<InvalidOperationException>(() => session.Remove("b"));
        Assert.Throws<InvalidOperationException>(() => session.GetOrNew<List<int>>("b"));
        var whole = Assert.Throws<InvalidOperationException>(() => session.Count);
        Assert.Contains("whole session", whole.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => session.Keys);
        Assert.Throws<InvalidOperationException>(() => session.Size);
        Assert.Throws<InvalidOperationException>(() => session.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => session.Clear());
        Assert.Throws<InvalidOperationException>(() => session.CycleId());
        Assert.Throws<InvalidOperationException>(() => session.SignIn("u"));
        Assert.Throws<InvalidOperationException>(() => session.BindUser("u"));
        Assert.Throws<InvalidOperationException>(() => session.SetExpiry(TimeSpan.FromMinutes(5)));
        Assert.False(session.IsModified);
    }

    [Fact]
    public async Task A_write_after_loading_some_keys_is_saved_by_key_and_keeps_every_other_key()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");

        session.Set("a", session.Get<int>("a") + 1);
        session.Set("d", "new");
        await session.CommitAsync();

        Assert.Equal(1, _h.Store.BlindSaves);
        Assert.Equal(0, _h.Store.Saves);
        var stored = await _h.StoredAsync(id);
        Assert.Equal(["a", "b", "c", "d"], stored!.Values.Keys.Order(StringComparer.Ordinal));
        var reloaded = await _h.LoadedAsync(id);
        Assert.Equal(2, reloaded.Get<int>("a"));
        Assert.Equal("two", reloaded.Get<string>("b"));
        Assert.Equal("new", reloaded.Get<string>("d"));
    }

    [Fact]
    public async Task A_key_read_then_written_conflicts_when_another_request_changed_it_after_the_read()
    {
        var id = await SeedAbcAsync();
        var slow = _h.CookieSession(id);
        await slow.LoadKeysAsync("a");
        var read = slow.Get<int>("a");

        var fast = await _h.LoadedAsync(id);
        fast.Set("a", 10);
        await fast.CommitAsync();

        slow.Set("a", read + 1);
        var ex = await Assert.ThrowsAsync<SessionConflictException>(() => slow.CommitAsync());
        Assert.Contains("a", ex.Keys);
        Assert.Equal(10, (await _h.LoadedAsync(id)).Get<int>("a"));
    }

    [Fact]
    public async Task The_store_refuses_a_write_that_takes_the_whole_session_over_the_limit_and_writes_nothing()
    {
        using var h = new SessionTestHarness(o => o.MaxSessionSize = 1000);
        h.Store.OffersKeyReads = true;
        var id = await h.SeedAsync(s => s.Set("c", new byte[600]));
        var session = h.CookieSession(id);
        await session.LoadKeysAsync("a");

        // 500 bytes are under the limit for what this request knows; with the 600 it did not load, they are not.
        session.Set("a", new byte[500]);
        await Assert.ThrowsAsync<SessionTooLargeException>(() => session.CommitAsync());

        var stored = await h.StoredAsync(id);
        Assert.Equal(["c"], stored!.Values.Keys);
    }

    [Fact]
    public async Task Loading_more_keys_adds_them_and_loading_the_rest_keeps_what_this_request_read_and_wrote()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");
        Assert.Equal(1, session.Get<int>("a"));

        // Another request changes a (read here already) and b (not loaded yet) in between.
        var other = await _h.LoadedAsync(id);
        other.Set("a", 100);
        other.Set("b", "changed");
        await other.CommitAsync();

        session.Set("d", 4);
        await session.LoadKeysAsync("b");
        Assert.Equal(2, _h.Store.KeyLoads);
        Assert.Equal("changed", session.Get<string>("b"));
        Assert.Throws<InvalidOperationException>(() => session.Get<byte[]>("c"));

        await session.LoadAsync();

        Assert.True(session.IsLoaded);
        Assert.False(session.IsPartiallyLoaded);
        Assert.Equal(["a", "b", "c", "d"], session.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, session.Get<int>("a"));
        Assert.Equal(500, session.Get<byte[]>("c")!.Length);
        Assert.Equal(4, session.Get<int>("d"));

        // a was read as 1 and has been changed since: writing it is a conflict, as in a whole load.
        session.Set("a", 2);
        await Assert.ThrowsAsync<SessionConflictException>(() => session.CommitAsync());
        Assert.Equal(100, (await _h.LoadedAsync(id)).Get<int>("a"));
    }

    [Fact]
    public async Task A_session_gone_before_the_rest_is_loaded_is_an_interruption_not_an_empty_session()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");
        var other = await _h.LoadedAsync(id);
        other.Flush();
        await other.CommitAsync();

        await Assert.ThrowsAsync<SessionInterruptedException>(() => session.LoadAsync().AsTask());
        await Assert.ThrowsAsync<SessionInterruptedException>(() => session.LoadKeysAsync("b").AsTask());

        session.Set("a", 5);
        await Assert.ThrowsAsync<SessionInterruptedException>(() => session.CommitAsync());
    }

    [Fact]
    public async Task Flush_works_on_a_session_loaded_in_part_and_discarding_changes_goes_back_to_the_loaded_keys()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");

        session.Flush();
        Assert.Equal(0, session.Count);
        session.DiscardChanges();
        Assert.True(session.IsPartiallyLoaded);
        Assert.Equal(1, session.Get<int>("a"));
        Assert.Throws<InvalidOperationException>(() => session.Get<string>("b"));

        session.Flush();
        await session.CommitAsync();
        Assert.Null(await _h.StoredAsync(id));
    }

    [Fact]
    public async Task A_key_read_before_a_flush_that_is_discarded_is_still_checked_when_written()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");
        var read = session.Get<int>("a");
        session.Flush();
        session.DiscardChanges();

        var other = await _h.LoadedAsync(id);
        other.Set("a", 50);
        await other.CommitAsync();

        session.Set("a", read + 1);
        await Assert.ThrowsAsync<SessionConflictException>(() => session.CommitAsync());
        Assert.Equal(50, (await _h.LoadedAsync(id)).Get<int>("a"));
    }

    [Fact]
    public async Task A_store_failure_while_loading_more_keys_or_the_rest_throws_and_keeps_what_was_loaded_and_written()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");
        session.Set("d", 4);

        _h.Store.LoadFailure = new InvalidOperationException("store down");
        await Assert.ThrowsAsync<SessionUnavailableException>(() => session.LoadKeysAsync("b").AsTask());
        await Assert.ThrowsAsync<SessionUnavailableException>(() => session.LoadAsync().AsTask());
        _h.Store.LoadFailure = null;

        Assert.True(session.IsPartiallyLoaded);
        Assert.Equal(1, session.Get<int>("a"));
        Assert.Throws<InvalidOperationException>(() => session.Get<string>("b"));
        await session.CommitAsync();
        Assert.Equal(4, (await _h.LoadedAsync(id)).Get<int>("d"));
    }

    [Fact]
    public async Task A_cancelled_load_of_the_rest_changes_nothing()
    {
        var id = await SeedAbcAsync();
        var session = _h.CookieSession(id);
        await session.LoadKeysAsync("a");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.LoadAsync(cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => session.LoadKeysAsync(["b"], cancelled.Token).AsTask());

        Assert.True(session.IsPartiallyLoaded);
        Assert.Equal(1, _h.Store.KeyLoads);
        Assert.Equal(0, _h.Store.Loads);
    }

    [Fact]
    public async Task Without_key_reads_in_the_store_the_whole_session_is_loaded()
    {
        var id = await SeedAbcAsync();
        _h.Store.OffersKeyReads = false;
        var session = _h.CookieSession(id);

        await session.LoadKeysAsync("a");

        Assert.Equal(1, _h.Store.Loads);
        Assert.Equal(0, _h.Store.KeyLoads);
        Assert.True(session.IsLoaded);
        Assert.Equal(3, session.Count);
    }

    [Fact]
    public async Task A_cookie_naming_no_live_session_gets_a_new_whole_session()
    {
        var session = _h.CookieSession(SessionId.New());

        await session.LoadKeysAsync("a");

        Assert.True(session.IsLoaded);
        Assert.True(session.IsNew);
        Assert.Equal(0, session.Count);
    }
}
