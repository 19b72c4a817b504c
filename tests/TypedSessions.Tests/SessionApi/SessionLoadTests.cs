using TypedSessions.Ids;

namespace TypedSessions.Tests.SessionApi;

/// <summary>Loading: a request without a cookie does no store I/O; a cookie session loads once, touches when due, and never adopts an unknown or expired id.</summary>
public sealed class SessionLoadTests : SessionApiTestBase
{
    [Fact]
    public void A_session_without_a_cookie_is_loaded_new_and_empty()
    {
        var session = _h.NewSession();

        Assert.True(session.IsLoaded);
        Assert.True(session.IsAvailable);
        Assert.False(session.IsAccessed);
        Assert.True(session.IsNew);
        Assert.Equal(0, session.Count);
        Assert.True(session.IsEmpty);
        Assert.Empty(session.Keys);
        Assert.Equal(0, session.Size);
        Assert.Null(session.CreatedAt);
        Assert.Null(session.UserKey);
        Assert.False(session.IsModified);
        Assert.True(session.IsAccessed);
        Assert.Equal(0, session.ChangeStamp);
        Assert.Null(session.Id);
        Assert.Equal(0, _h.Store.Calls);
    }

    [Fact]
    public async Task LoadAsync_without_a_cookie_does_no_store_io()
    {
        var session = _h.NewSession();

        await session.LoadAsync();

        Assert.Equal(0, _h.Store.Calls);
        Assert.True(session.IsNew);
    }

    [Fact]
    public void A_cookie_session_must_be_loaded_before_it_is_read_or_written()
    {
        var session = _h.CookieSession(SessionId.New());

        Assert.False(session.IsLoaded);
        var ex = Assert.Throws<InvalidOperationException>(() => session.Get<int>("a"));
        Assert.Contains("LoadSessionAsync", ex.Message, StringComparison.Ordinal);
        Assert.Contains("blocking", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => session.Set("a", 1));
        Assert.Throws<InvalidOperationException>(() => session.Count);
        Assert.Throws<InvalidOperationException>(() => session.Keys);
        Assert.Throws<InvalidOperationException>(() => session.ContainsKey("a"));
        Assert.Throws<InvalidOperationException>(() => session.IsNew);
        Assert.Throws<InvalidOperationException>(() => session.ExpiresAt);
        Assert.Throws<InvalidOperationException>(() => session.Clear());
        Assert.Throws<InvalidOperationException>(() => session.Flush());
        Assert.Throws<InvalidOperationException>(() => session.CycleId());
        Assert.Equal(0, _h.Store.Calls);
        Assert.False(session.IsModified);
    }

    [Fact]
    public async Task Loading_takes_one_store_call_and_happens_once()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = _h.CookieSession(id);

        await session.LoadAsync();
        await session.LoadAsync();
        await session.LoadOrMarkUnavailableAsync();

        Assert.Equal(1, _h.Store.Loads);
        Assert.Equal(1, _h.Store.Calls);
        Assert.True(session.IsLoaded);
        Assert.False(session.IsNew);
        Assert.Equal(1, session.Get<int>("a"));
        Assert.Equal(SessionTestHarness.Start, session.CreatedAt);
        Assert.Equal(id.StoreKey, session.Id!.StoreKey);
        Assert.False(session.IsModified);
    }

    [Fact]
    public async Task A_due_touch_happens_in_the_load_call()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Time.Advance(TimeSpan.FromMinutes(6));

        var session = await _h.LoadedAsync(id);

        Assert.Equal(1, _h.Store.Calls);
        Assert.True(session.WasTouched);
        Assert.Equal(_h.Now + Idle, (await _h.StoredAsync(id))!.Lifetime.ExpiresAt);
        Assert.Equal(_h.Now + Idle, session.ExpiresAt);

        await session.CommitAsync();
        Assert.Equal(1, _h.Store.Calls);
    }

    [Fact]
    public async Task A_touch_is_throttled_until_a_share_of_the_idle_window_has_passed()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Time.Advance(TimeSpan.FromMinutes(4));

        var session = await _h.LoadedAsync(id);

        Assert.False(session.WasTouched);
        Assert.Equal(SessionTestHarness.Start + Idle, (await _h.StoredAsync(id))!.Lifetime.ExpiresAt);
        Assert.Equal(SessionTestHarness.Start + Idle, session.ExpiresAt);
        Assert.Equal(TimeSpan.FromMinutes(16), session.ExpiryAge);
    }

    [Fact]
    public async Task The_refresh_threshold_is_configurable()
    {
        using var h = new SessionTestHarness(o => o.SlidingRefreshThreshold = 0.1);
        var id = await h.SeedAsync(s => s.Set("a", 1));
        h.Time.Advance(TimeSpan.FromMinutes(3));

        var session = await h.LoadedAsync(id);

        Assert.True(session.WasTouched);
    }

    [Fact]
    public async Task An_unknown_cookie_id_is_never_adopted()
    {
        var cookie = SessionId.New();
        var session = await _h.LoadedAsync(cookie);

        Assert.Equal(1, _h.Store.Loads);
        Assert.True(session.IsNew);
        Assert.Null(session.Id);

        session.Set("a", 1);
        Assert.NotEqual(cookie.Value, session.Id!.Value);
        await session.CommitAsync();

        Assert.Null(await _h.StoredAsync(cookie));
        Assert.NotNull(await _h.StoredAsync(session.Id));
    }

    [Fact]
    public async Task An_expired_session_is_not_adopted()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Time.Advance(Idle);

        var session = await _h.LoadedAsync(id);

        Assert.True(session.IsNew);
        Assert.Equal(0, session.Count);
        Assert.Null(session.CreatedAt);
    }
}
