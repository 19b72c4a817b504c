using TypedSessions.Storage;

namespace TypedSessions.Tests;

public class SessionRecordApplyTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    private static SessionRecord Record(string? userKey = "user-1", SessionLifetime? lifetime = null) => new(
        new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["a"] = [1],
            ["b"] = [2],
            ["c"] = [3],
        },
        T0,
        lifetime ?? SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, TimeSpan.FromHours(8)),
        version: 4,
        userKey: userKey);

    private static Dictionary<string, byte[]> Values(params (string Key, byte Value)[] entries)
        => entries.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal);

    private static void AssertValues(SessionRecord record, params (string Key, byte Value)[] expected)
    {
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), record.Values.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(new[] { value }, record.Values[key]);
        }
    }

    [Fact]
    public void Sets_add_and_replace_only_the_named_keys()
    {
        var applied = Record().Apply(new SessionChangeSet { Now = T0, SetValues = Values(("b", 20), ("d", 4)) });

        AssertValues(applied, ("a", 1), ("b", 20), ("c", 3), ("d", 4));
    }

    [Fact]
    public void Removes_drop_only_the_named_keys_and_ignore_absent_ones()
    {
        var applied = Record().Apply(new SessionChangeSet { Now = T0, RemovedKeys = ["a", "zzz"] });

        AssertValues(applied, ("b", 2), ("c", 3));
    }

    [Fact]
    public void Clear_drops_every_stored_key_before_the_sets()
    {
        var applied = Record().Apply(new SessionChangeSet { Now = T0, ClearAll = true, SetValues = Values(("d", 4)) });

        AssertValues(applied, ("d", 4));
    }

    [Fact]
    public void Clear_alone_leaves_an_empty_session()
    {
        var applied = Record().Apply(new SessionChangeSet { Now = T0, ClearAll = true });

        Assert.Empty(applied.Values);
        Assert.Equal(0, applied.PayloadSize);
    }

    [Fact]
    public void Sets_apply_after_removes_of_the_same_key()
    {
        var applied = Record().Apply(new SessionChangeSet
        {
            Now = T0,
            RemovedKeys = ["a", "b"],
            SetValues = Values(("a", 10)),
        });

        AssertValues(applied, ("a", 10), ("c", 3));
    }

    [Fact]
    public void Order_is_clear_then_removes_then_sets()
    {
        var applied = Record().Apply(new SessionChangeSet
        {
            Now = T0,
            ClearAll = true,
            RemovedKeys = ["x"],
            SetValues = Values(("x", 9), ("a", 7)),
        });

        AssertValues(applied, ("a", 7), ("x", 9));
    }

    [Fact]
    public void Apply_does_not_change_the_original_record()
    {
        var original = Record();

        original.Apply(new SessionChangeSet { Now = T0.AddMinutes(10), ClearAll = true, SetValues = Values(("z", 26)), UserKeyChanged = true });

        AssertValues(original, ("a", 1), ("b", 2), ("c", 3));
        Assert.Equal(4, original.Version);
        Assert.Equal("user-1", original.UserKey);
        Assert.Equal(T0 + Idle, original.Lifetime.ExpiresAt);
    }

    [Fact]
    public void Version_goes_up_by_one_per_apply_and_created_at_is_kept()
    {
        var once = Record().Apply(new SessionChangeSet { Now = T0 });
        var twice = once.Apply(new SessionChangeSet { Now = T0 });

        Assert.Equal(5, once.Version);
        Assert.Equal(6, twice.Version);
        Assert.Equal(T0, twice.CreatedAt);
    }

    [Fact]
    public void A_new_lifetime_replaces_the_stored_one()
    {
        var replacement = new SessionLifetime(SessionExpiryMode.Absolute, T0.AddHours(2), T0.AddHours(2), null);

        var applied = Record().Apply(new SessionChangeSet { Now = T0.AddMinutes(10), Lifetime = replacement });

        Assert.Equal(replacement, applied.Lifetime);
    }

    [Fact]
    public void Without_a_new_lifetime_a_save_slides_the_idle_window_regardless_of_the_threshold()
    {
        var applied = Record().Apply(new SessionChangeSet { Now = T0.AddMinutes(1) });

        Assert.Equal(T0.AddMinutes(21), applied.Lifetime.ExpiresAt);
        Assert.Equal(Record().Lifetime with { ExpiresAt = T0.AddMinutes(21) }, applied.Lifetime);
    }

    [Fact]
    public void The_slide_of_a_save_is_capped_by_the_absolute_expiry()
    {
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, Idle, TimeSpan.FromMinutes(30));

        var applied = Record(lifetime: lifetime).Apply(new SessionChangeSet { Now = T0.AddMinutes(15) });

        Assert.Equal(T0.AddMinutes(30), applied.Lifetime.ExpiresAt);
        Assert.Equal(T0.AddMinutes(30), applied.Apply(new SessionChangeSet { Now = T0.AddMinutes(29) }).Lifetime.ExpiresAt);
    }

    [Fact]
    public void A_save_keeps_the_lifetime_of_a_session_that_does_not_slide()
    {
        var lifetime = new SessionLifetime(SessionExpiryMode.Absolute, T0.AddHours(1), T0.AddHours(1), null);

        var applied = Record(lifetime: lifetime).Apply(new SessionChangeSet { Now = T0.AddMinutes(30) });

        Assert.Equal(lifetime, applied.Lifetime);
    }

    [Fact]
    public void The_user_key_is_kept_unless_the_change_set_changes_it()
    {
        var record = Record("user-1");

        Assert.Equal("user-1", record.Apply(new SessionChangeSet { Now = T0, UserKey = "ignored" }).UserKey);
        Assert.Equal("user-2", record.Apply(new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = "user-2" }).UserKey);
        Assert.Null(record.Apply(new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = null }).UserKey);
        Assert.Equal("user-3", Record(null).Apply(new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = "user-3" }).UserKey);
    }

    [Fact]
    public void Apply_rejects_null()
        => Assert.Throws<ArgumentNullException>(() => Record().Apply(null!));

    [Fact]
    public void Change_set_is_empty_only_without_changes()
    {
        Assert.True(new SessionChangeSet { Now = T0 }.IsEmpty);
        Assert.False(new SessionChangeSet { Now = T0, ClearAll = true }.IsEmpty);
        Assert.False(new SessionChangeSet { Now = T0, SetValues = Values(("a", 1)) }.IsEmpty);
        Assert.False(new SessionChangeSet { Now = T0, RemovedKeys = ["a"] }.IsEmpty);
        Assert.False(new SessionChangeSet { Now = T0, Lifetime = Record().Lifetime }.IsEmpty);
        Assert.False(new SessionChangeSet { Now = T0, UserKeyChanged = true }.IsEmpty);
    }

    [Fact]
    public void Payload_size_counts_utf8_keys_plus_value_bytes()
    {
        var record = new SessionRecord(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["ab"] = [1, 2, 3], ["é"] = [] },
            T0,
            Record().Lifetime);

        Assert.Equal(2 + 3 + 2 + 0, record.PayloadSize);
        Assert.Equal(3, SessionSize.Of("€", 0));
    }

    [Fact]
    public void WithLifetime_keeps_everything_else()
    {
        var record = Record();
        var lifetime = record.Lifetime with { ExpiresAt = T0.AddHours(1) };

        var copy = record.WithLifetime(lifetime);

        Assert.Equal(lifetime, copy.Lifetime);
        Assert.Same(record.Values, copy.Values);
        Assert.Equal(record.Version, copy.Version);
        Assert.Equal(record.UserKey, copy.UserKey);
        Assert.Equal(record.CreatedAt, copy.CreatedAt);
    }

    [Fact]
    public void A_record_without_values_has_an_empty_read_only_map()
    {
        var record = new SessionRecord(null, T0, Record().Lifetime);

        Assert.Empty(record.Values);
        Assert.Equal(1, record.Version);
        Assert.Null(record.UserKey);
    }
}
