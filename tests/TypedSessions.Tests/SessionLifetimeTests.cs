using TypedSessions.Storage;

namespace TypedSessions.Tests;

public class SessionLifetimeTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan Absolute = TimeSpan.FromHours(8);

    // ---- Compute ----

    [Theory]
    [InlineData(SessionExpiryMode.Default)]
    [InlineData(SessionExpiryMode.BrowserClose)]
    public void Default_and_browser_close_slide_by_the_configured_idle_timeout_under_the_absolute_cap(SessionExpiryMode mode)
    {
        var lifetime = SessionLifetime.Compute(mode, T0, T0, Idle, Absolute);

        Assert.Equal(mode, lifetime.Mode);
        Assert.Equal(T0 + Idle, lifetime.ExpiresAt);
        Assert.Equal(T0 + Absolute, lifetime.AbsoluteExpiresAt);
        Assert.Equal(Idle, lifetime.IdleTimeout);
    }

    [Theory]
    [InlineData(SessionExpiryMode.Default)]
    [InlineData(SessionExpiryMode.BrowserClose)]
    public void Default_without_an_absolute_timeout_has_no_cap(SessionExpiryMode mode)
    {
        var lifetime = SessionLifetime.Compute(mode, T0, T0, Idle, null);

        Assert.Equal(T0 + Idle, lifetime.ExpiresAt);
        Assert.Null(lifetime.AbsoluteExpiresAt);
        Assert.Equal(Idle, lifetime.IdleTimeout);
    }

    [Theory]
    [InlineData(SessionExpiryMode.Default)]
    [InlineData(SessionExpiryMode.BrowserClose)]
    public void Default_without_an_idle_timeout_ends_at_the_absolute_cap_and_does_not_slide(SessionExpiryMode mode)
    {
        var lifetime = SessionLifetime.Compute(mode, T0.AddHours(1), T0, null, Absolute);

        Assert.Equal(T0 + Absolute, lifetime.ExpiresAt);
        Assert.Equal(T0 + Absolute, lifetime.AbsoluteExpiresAt);
        Assert.Null(lifetime.IdleTimeout);
        Assert.Null(lifetime.Touch(T0.AddHours(2), 0));
    }

    [Fact]
    public void Default_with_neither_timeout_is_refused()
        => Assert.Throws<InvalidOperationException>(() => SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, null, null));

    [Fact]
    public void The_absolute_cap_counts_from_creation_not_from_now()
    {
        var now = T0.AddHours(7).AddMinutes(50);
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, now, T0, Idle, Absolute);

        Assert.Equal(T0 + Absolute, lifetime.AbsoluteExpiresAt);
        Assert.Equal(T0 + Absolute, lifetime.ExpiresAt); // now + 20 min would pass the cap
    }

    [Fact]
    public void Relative_uses_its_own_idle_window_under_the_absolute_cap()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Relative, T0.AddMinutes(5), T0, Idle, Absolute, relativeIdle: TimeSpan.FromMinutes(90));

        Assert.Equal(SessionExpiryMode.Relative, lifetime.Mode);
        Assert.Equal(T0.AddMinutes(95), lifetime.ExpiresAt);
        Assert.Equal(T0 + Absolute, lifetime.AbsoluteExpiresAt);
        Assert.Equal(TimeSpan.FromMinutes(90), lifetime.IdleTimeout);
    }

    [Fact]
    public void Relative_longer_than_the_cap_is_capped()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Relative, T0, T0, Idle, Absolute, relativeIdle: TimeSpan.FromDays(30));

        Assert.Equal(T0 + Absolute, lifetime.ExpiresAt);
        Assert.Equal(TimeSpan.FromDays(30), lifetime.IdleTimeout);
    }

    [Fact]
    public void Relative_without_an_absolute_timeout_is_uncapped_and_works_without_a_default_idle()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Relative, T0, T0, null, null, relativeIdle: TimeSpan.FromDays(30));

        Assert.Equal(T0.AddDays(30), lifetime.ExpiresAt);
        Assert.Null(lifetime.AbsoluteExpiresAt);
    }

    [Fact]
    public void Relative_requires_its_window()
        => Assert.Throws<ArgumentNullException>(() => SessionLifetime.Compute(SessionExpiryMode.Relative, T0, T0, Idle, Absolute));

    [Fact]
    public void Absolute_ends_at_the_given_instant_and_does_not_slide()
    {
        var end = T0.AddHours(2);
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Absolute, T0, T0, Idle, Absolute, absoluteAt: end);

        Assert.Equal(SessionExpiryMode.Absolute, lifetime.Mode);
        Assert.Equal(end, lifetime.ExpiresAt);
        Assert.Equal(end, lifetime.AbsoluteExpiresAt);
        Assert.Null(lifetime.IdleTimeout);
        Assert.Null(lifetime.Touch(T0.AddHours(1), 0));
    }

    [Fact]
    public void Absolute_past_the_cap_is_capped()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Absolute, T0.AddHours(1), T0, Idle, Absolute, absoluteAt: T0.AddDays(3));

        Assert.Equal(T0 + Absolute, lifetime.ExpiresAt);
        Assert.Equal(T0 + Absolute, lifetime.AbsoluteExpiresAt);
    }

    [Fact]
    public void Absolute_without_a_cap_keeps_the_given_instant()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Absolute, T0, T0, Idle, null, absoluteAt: T0.AddDays(3));

        Assert.Equal(T0.AddDays(3), lifetime.ExpiresAt);
        Assert.Equal(T0.AddDays(3), lifetime.AbsoluteExpiresAt);
    }

    [Fact]
    public void Absolute_requires_its_instant()
        => Assert.Throws<ArgumentNullException>(() => SessionLifetime.Compute(SessionExpiryMode.Absolute, T0, T0, Idle, Absolute));

    [Fact]
    public void An_undefined_mode_is_refused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => SessionLifetime.Compute((SessionExpiryMode)42, T0, T0, Idle, Absolute));

    // ---- IsExpired ----

    [Fact]
    public void A_session_is_expired_at_and_after_its_expiry_instant()
    {
        var lifetime = new SessionLifetime(SessionExpiryMode.Default, T0, null, Idle);

        Assert.False(lifetime.IsExpired(T0.AddTicks(-1)));
        Assert.True(lifetime.IsExpired(T0));
        Assert.True(lifetime.IsExpired(T0.AddTicks(1)));
    }

    // ---- Touch ----

    [Fact]
    public void Touch_is_not_due_before_the_threshold_share_of_the_idle_window_is_gained()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null);

        Assert.Null(lifetime.Touch(T0, 0.25));
        Assert.Null(lifetime.Touch(T0.AddMinutes(1), 0.25));
        Assert.Null(lifetime.Touch(T0.AddMinutes(5).AddTicks(-1), 0.25));
    }

    [Fact]
    public void Touch_slides_to_now_plus_idle_once_the_threshold_is_reached()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null);

        var touched = lifetime.Touch(T0.AddMinutes(5), 0.25);

        Assert.NotNull(touched);
        Assert.Equal(T0.AddMinutes(25), touched.Value.ExpiresAt);
        Assert.Equal(lifetime with { ExpiresAt = T0.AddMinutes(25) }, touched.Value);
    }

    [Fact]
    public void Touch_with_threshold_zero_is_due_whenever_the_expiry_moves_at_all()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null);

        Assert.Null(lifetime.Touch(T0, 0));
        Assert.Equal(T0 + Idle + TimeSpan.FromTicks(1), lifetime.Touch(T0.AddTicks(1), 0)?.ExpiresAt);
    }

    [Fact]
    public void Touch_with_threshold_one_never_fires_for_a_live_session()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null);

        Assert.Null(lifetime.Touch(T0.AddMinutes(19).AddSeconds(59), 1));
    }

    [Fact]
    public void Touch_is_capped_by_the_absolute_expiry_and_never_passes_it()
    {
        var cap = T0.AddMinutes(30);
        var lifetime = new SessionLifetime(SessionExpiryMode.Default, T0.AddMinutes(20), cap, Idle);

        var touched = lifetime.Touch(T0.AddMinutes(15), 0.25);

        Assert.Equal(cap, touched?.ExpiresAt);
        Assert.Equal(cap, touched?.AbsoluteExpiresAt);
        Assert.Null(touched!.Value.Touch(T0.AddMinutes(29), 0));
        Assert.Null(touched.Value.Touch(T0.AddMinutes(29), 0.25));
    }

    [Fact]
    public void Touch_at_the_cap_is_not_due()
    {
        var cap = T0.AddMinutes(20);
        var lifetime = new SessionLifetime(SessionExpiryMode.Default, cap, cap, Idle);

        Assert.Null(lifetime.Touch(T0.AddMinutes(19), 0));
    }

    [Fact]
    public void Repeated_touches_never_pass_the_cap()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, TimeSpan.FromHours(1));
        for (var minute = 1; minute < 60; minute++)
        {
            var now = T0.AddMinutes(minute);
            lifetime = lifetime.Touch(now, 0.25) ?? lifetime;
            Assert.True(lifetime.ExpiresAt <= T0.AddHours(1));
            Assert.False(lifetime.IsExpired(now), $"minute {minute}");
        }

        Assert.Equal(T0.AddHours(1), lifetime.ExpiresAt);
    }

    [Fact]
    public void Touch_returns_null_for_an_expired_session()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null);

        Assert.Null(lifetime.Touch(T0 + Idle, 0));
        Assert.Null(lifetime.Touch(T0.AddDays(1), 0));
    }

    [Fact]
    public void Touch_returns_null_for_a_session_that_does_not_slide()
    {
        var lifetime = new SessionLifetime(SessionExpiryMode.Absolute, T0.AddHours(1), T0.AddHours(1), null);

        Assert.Null(lifetime.Touch(T0.AddMinutes(59), 0));
    }

    [Fact]
    public void Touch_keeps_mode_cap_and_window()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Relative, T0, T0, Idle, Absolute, relativeIdle: TimeSpan.FromMinutes(10));

        var touched = lifetime.Touch(T0.AddMinutes(9), 0.5);

        Assert.NotNull(touched);
        Assert.Equal(SessionExpiryMode.Relative, touched.Value.Mode);
        Assert.Equal(T0.AddMinutes(19), touched.Value.ExpiresAt);
        Assert.Equal(T0 + Absolute, touched.Value.AbsoluteExpiresAt);
        Assert.Equal(TimeSpan.FromMinutes(10), touched.Value.IdleTimeout);
    }

    // ---- SessionLoadResult.From (the touch policy of whole-record stores) ----

    [Fact]
    public void LoadResult_is_not_found_for_null_and_expired_records()
    {
        var record = new SessionRecord(null, T0, SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null));

        Assert.Null(SessionLoadResult.From(null, new SessionLoadRequest(T0, 0.25)).Record);
        Assert.Equal(SessionLoadResult.NotFound, SessionLoadResult.From(record, new SessionLoadRequest(T0 + Idle, 0.25)));
    }

    [Fact]
    public void LoadResult_touches_only_when_a_threshold_is_given_and_due()
    {
        var record = new SessionRecord(null, T0, SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, null));

        var noThreshold = SessionLoadResult.From(record, new SessionLoadRequest(T0.AddMinutes(10), null));
        Assert.Same(record, noThreshold.Record);
        Assert.False(noThreshold.Touched);

        var notDue = SessionLoadResult.From(record, new SessionLoadRequest(T0.AddMinutes(4), 0.25));
        Assert.Same(record, notDue.Record);
        Assert.False(notDue.Touched);

        var due = SessionLoadResult.From(record, new SessionLoadRequest(T0.AddMinutes(10), 0.25));
        Assert.True(due.Touched);
        Assert.Equal(T0.AddMinutes(30), due.Record!.Lifetime.ExpiresAt);
        Assert.Equal(T0.AddMinutes(20), record.Lifetime.ExpiresAt);
    }
}
