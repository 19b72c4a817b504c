using MessagePack;

namespace TypedSessions.Tests.SessionApi;

/// <summary>Expiry: the configured timeouts, SetExpiry with a time span or an instant, browser-close, ResetExpiry and ExpiryAge.</summary>
public sealed class SessionExpiryTests : SessionApiTestBase
{
    [Fact]
    public void A_new_session_uses_the_configured_timeouts()
    {
        var session = _h.NewSession();

        Assert.Equal(SessionExpiryMode.Default, session.ExpiryMode);
        Assert.False(session.ExpireAtBrowserClose);
        Assert.Equal(_h.Now + Idle, session.ExpiresAt);
        Assert.Equal(Idle, session.ExpiryAge);
        Assert.False(session.IsModified);
    }

    [Fact]
    public async Task SetExpiry_with_a_timespan_sets_a_relative_idle_window()
    {
        var session = _h.NewSession();
        var stamp = session.ChangeStamp;

        session.SetExpiry(TimeSpan.FromMinutes(90));

        Assert.Equal(SessionExpiryMode.Relative, session.ExpiryMode);
        Assert.Equal(_h.Now.AddMinutes(90), session.ExpiresAt);
        Assert.Equal(TimeSpan.FromMinutes(90), session.ExpiryAge);
        Assert.True(session.IsModified);
        Assert.Equal(stamp + 1, session.ChangeStamp);
        Assert.NotNull(session.Id);

        await session.CommitAsync();
        var lifetime = (await _h.StoredAsync(session.Id!))!.Lifetime;
        Assert.Equal(SessionExpiryMode.Relative, lifetime.Mode);
        Assert.Equal(TimeSpan.FromMinutes(90), lifetime.IdleTimeout);
        Assert.Equal(_h.Now.AddMinutes(90), lifetime.ExpiresAt);
    }

    [Fact]
    public async Task SetExpiry_on_a_loaded_session_saves_the_new_lifetime()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        var session = await _h.LoadedAsync(id);

        session.SetExpiry(TimeSpan.FromHours(1));
        await session.CommitAsync();

        Assert.Equal(1, _h.Store.Saves);
        var record = await _h.StoredAsync(id);
        Assert.Equal(SessionExpiryMode.Relative, record!.Lifetime.Mode);
        Assert.Equal(_h.Now.AddHours(1), record.Lifetime.ExpiresAt);
        Assert.Equal(SessionTestHarness.Start + Absolute, record.Lifetime.AbsoluteExpiresAt);
        Assert.Equal(1, MessagePackSerializer.Deserialize<int>(record.Values["a"]));
    }

    [Fact]
    public void SetExpiry_with_a_timespan_is_capped_by_the_absolute_timeout()
    {
        var session = _h.NewSession();

        session.SetExpiry(TimeSpan.FromDays(30));

        Assert.Equal(_h.Now + Absolute, session.ExpiresAt);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void SetExpiry_with_a_non_positive_timespan_is_refused(long ticks)
    {
        var session = _h.NewSession();

        Assert.Throws<ArgumentOutOfRangeException>(() => session.SetExpiry(TimeSpan.FromTicks(ticks)));

        Assert.False(session.IsModified);
        Assert.Equal(SessionExpiryMode.Default, session.ExpiryMode);
    }

    [Fact]
    public async Task SetExpiry_with_an_instant_ends_the_session_then_without_sliding()
    {
        var session = _h.NewSession();
        var end = _h.Now.AddHours(2);

        session.SetExpiry(end);

        Assert.Equal(SessionExpiryMode.Absolute, session.ExpiryMode);
        Assert.Equal(end, session.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(2), session.ExpiryAge);
        await session.CommitAsync();
        var id = session.Id!;

        _h.Time.Advance(TimeSpan.FromMinutes(30));
        var later = await _h.LoadedAsync(id);
        Assert.False(later.WasTouched);
        Assert.Equal(end, later.ExpiresAt);
        Assert.Equal(TimeSpan.FromMinutes(90), later.ExpiryAge);
    }

    [Fact]
    public void SetExpiry_with_an_instant_past_the_absolute_timeout_is_capped()
    {
        var session = _h.NewSession();

        session.SetExpiry(_h.Now.AddDays(3));

        Assert.Equal(_h.Now + Absolute, session.ExpiresAt);
    }

    [Fact]
    public async Task SetExpiry_on_a_loaded_session_caps_from_its_creation()
    {
        var id = await _h.SeedAsync(s => s.SetExpiry(TimeSpan.FromHours(10)));
        _h.Time.Advance(TimeSpan.FromHours(7));
        var session = await _h.LoadedAsync(id);
        Assert.False(session.IsNew);

        session.SetExpiry(_h.Now.AddHours(5));

        Assert.Equal(SessionTestHarness.Start + Absolute, session.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(1), session.ExpiryAge);
    }

    [Fact]
    public void SetExpiry_with_an_instant_not_in_the_future_is_refused()
    {
        var session = _h.NewSession();

        Assert.Throws<ArgumentOutOfRangeException>(() => session.SetExpiry(_h.Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.SetExpiry(_h.Now.AddSeconds(-1)));

        Assert.False(session.IsModified);
    }

    [Fact]
    public void SetExpiryAtBrowserClose_keeps_the_server_timeouts()
    {
        var session = _h.NewSession();

        session.SetExpiryAtBrowserClose();

        Assert.True(session.ExpireAtBrowserClose);
        Assert.Equal(SessionExpiryMode.BrowserClose, session.ExpiryMode);
        Assert.Equal(_h.Now + Idle, session.ExpiresAt);
        Assert.True(session.IsModified);
    }

    [Fact]
    public async Task ResetExpiry_goes_back_to_the_configured_timeouts()
    {
        var id = await _h.SeedAsync(s => s.SetExpiry(TimeSpan.FromHours(2)));
        var session = await _h.LoadedAsync(id);
        Assert.Equal(SessionExpiryMode.Relative, session.ExpiryMode);

        session.ResetExpiry();
        await session.CommitAsync();

        Assert.Equal(SessionExpiryMode.Default, session.ExpiryMode);
        Assert.Equal(_h.Now + Idle, session.ExpiresAt);
        var lifetime = (await _h.StoredAsync(id))!.Lifetime;
        Assert.Equal(SessionExpiryMode.Default, lifetime.Mode);
        Assert.Equal(Idle, lifetime.IdleTimeout);
    }

    [Fact]
    public async Task ExpiryAge_counts_down_and_stops_at_zero()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);

        Assert.Equal(Idle, session.ExpiryAge);
        _h.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(TimeSpan.FromMinutes(5), session.ExpiryAge);
        _h.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(TimeSpan.Zero, session.ExpiryAge);
        Assert.Equal(SessionTestHarness.Start + Idle, session.ExpiresAt);
    }
}
