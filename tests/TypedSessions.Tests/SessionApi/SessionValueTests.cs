using MessagePack;

namespace TypedSessions.Tests.SessionApi;

/// <summary>Values and typed access: set, get, remove, pop, raw bytes, keys, size, reads that mark a session accessed, and the change stamp.</summary>
public sealed class SessionValueTests : SessionApiTestBase
{
    [Fact]
    public void Set_and_get_round_trip_values_of_several_types()
    {
        var session = _h.NewSession();
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));

        session.Set("int", 42);
        session.Set("string", "héllo");
        session.Set<string?>("null", null);
        session.Set("list", new List<string> { "a", "b" });
        session.Set("map", new Dictionary<string, int> { ["x"] = 1 });
        session.Set("when", when);
        session.Set("enum", DayOfWeek.Friday);
        session.Set<int?>("maybe", 5);

        Assert.Equal(42, session.Get<int>("int"));
        Assert.Equal("héllo", session.Get<string>("string"));
        Assert.True(session.TryGet<string?>("null", out var nothing));
        Assert.Null(nothing);
        Assert.Equal(["a", "b"], session.Get<List<string>>("list")!);
        Assert.Equal(1, session.Get<Dictionary<string, int>>("map")!["x"]);
        Assert.Equal(when, session.Get<DateTimeOffset>("when"));
        Assert.Equal(DayOfWeek.Friday, session.Get<DayOfWeek>("enum"));
        Assert.Equal(5, session.Get<int?>("maybe"));

        // Read back from the bytes as another compatible type.
        Assert.Equal(42L, session.Get<long>("int"));
        Assert.Equal(new[] { "a", "b" }, session.Get<string[]>("list"));
    }

    [Fact]
    public void Absent_keys_read_as_default()
    {
        var session = _h.NewSession();

        Assert.Equal(0, session.Get<int>("missing"));
        Assert.Null(session.Get<string>("missing"));
        Assert.Null(session.Get<int?>("missing"));
        Assert.Equal(7, session.Get("missing", 7));
        Assert.Equal("fallback", session.Get("missing", "fallback"));
        Assert.False(session.TryGet<int>("missing", out var value));
        Assert.Equal(0, value);
        Assert.False(session.ContainsKey("missing"));
        Assert.Null(session.GetBytes("missing"));
        Assert.False(session.IsModified);
    }

    [Fact]
    public void Get_with_a_default_returns_the_stored_value_when_present()
    {
        var session = _h.NewSession();
        session.Set("n", 0);

        Assert.Equal(0, session.Get("n", 7));
    }

    [Fact]
    public void Set_marks_the_session_modified_and_establishes_an_id()
    {
        var session = _h.NewSession();

        session.Set("a", 1);

        Assert.True(session.IsModified);
        Assert.True(session.IsAccessed);
        Assert.Equal(1, session.ChangeStamp);
        Assert.NotNull(session.Id);
        Assert.True(session.IsNew);
        Assert.Equal(0, _h.Store.Calls);
    }

    [Fact]
    public void An_out_of_range_expiry_fails_before_a_new_session_gets_an_id()
    {
        var session = _h.NewSession();

        Assert.ThrowsAny<ArgumentException>(() => session.SetExpiry(TimeSpan.MaxValue));

        Assert.Null(session.Id);
        Assert.False(session.IsModified);
        Assert.Equal(SessionExpiryMode.Default, session.ExpiryMode);
    }

    [Fact]
    public void Keys_count_and_contains_follow_sets_and_removes()
    {
        var session = _h.NewSession();
        session.Set("a", 1);
        session.Set("b", 2);
        session.Set("a", 3);

        Assert.Equal(2, session.Count);
        Assert.False(session.IsEmpty);
        Assert.Equal(["a", "b"], session.Keys.Order(StringComparer.Ordinal));
        Assert.True(session.ContainsKey("a"));
        Assert.False(session.ContainsKey("A"));
        Assert.Equal(3, session.Get<int>("a"));

        Assert.True(session.Remove("a"));
        Assert.False(session.Remove("a"));
        Assert.Equal(["b"], session.Keys);
        Assert.False(session.ContainsKey("a"));
        Assert.Equal(1, session.Count);
    }

    [Fact]
    public void Size_counts_utf8_keys_plus_encoded_values()
    {
        var session = _h.NewSession();

        session.Set("ab", 1); // 2 + 1 (positive fixint)
        Assert.Equal(3, session.Size);

        session.Set("é", "xyz"); // 2 + 4 (fixstr header + 3)
        Assert.Equal(9, session.Size);

        session.Set("ab", 1000); // 2 + 3 (uint16)
        Assert.Equal(11, session.Size);

        session.Remove("é");
        Assert.Equal(5, session.Size);
    }

    [Fact]
    public void SetBytes_and_GetBytes_work_on_raw_messagepack()
    {
        var session = _h.NewSession();
        var bytes = MessagePackSerializer.Serialize("raw");

        session.SetBytes("r", bytes);
        bytes[1] = (byte)'X'; // the session copied them

        Assert.Equal("raw", session.Get<string>("r"));
        Assert.Equal(MessagePackSerializer.Serialize("raw"), session.GetBytes("r")!.Value.ToArray());
        Assert.True(session.IsModified);
    }

    [Fact]
    public void Pop_returns_and_removes_the_value_or_default_when_absent()
    {
        var session = _h.NewSession();
        session.Set("a", "x");
        var stamp = session.ChangeStamp;

        Assert.Equal("x", session.Pop<string>("a"));
        Assert.False(session.ContainsKey("a"));
        Assert.Equal(stamp + 1, session.ChangeStamp);

        Assert.Null(session.Pop<string>("a"));
        Assert.Equal(0, session.Pop<int>("a"));
        Assert.Equal(stamp + 1, session.ChangeStamp);
    }

    [Fact]
    public async Task Reads_alone_do_not_modify_and_commit_writes_nothing()
    {
        var session = _h.NewSession();
        _ = session.Get<int>("a");
        _ = session.Count;
        _ = session.Keys;
        _ = session.ExpiryAge;

        await session.CommitAsync();

        Assert.True(session.IsAccessed);
        Assert.False(session.IsModified);
        Assert.Equal(0, _h.Store.Calls);
        Assert.Null(session.Id);
    }

    [Theory]
    [InlineData("count")]
    [InlineData("keys")]
    [InlineData("contains")]
    [InlineData("get")]
    [InlineData("getbytes")]
    [InlineData("expiry")]
    [InlineData("userkey")]
    public void Each_kind_of_read_marks_the_session_accessed(string read)
    {
        var session = _h.NewSession();
        Assert.False(session.IsAccessed);

        _ = read switch
        {
            "count" => session.Count,
            "keys" => session.Keys.Count,
            "contains" => session.ContainsKey("a") ? 1 : 0,
            "get" => session.Get<int>("a"),
            "getbytes" => session.GetBytes("a")?.Length ?? 0,
            "expiry" => (int)session.ExpiryAge.TotalMinutes,
            _ => session.UserKey?.Length ?? 0,
        };

        Assert.True(session.IsAccessed);
        Assert.False(session.IsModified);
    }

    [Fact]
    public void ChangeStamp_goes_up_on_every_change_and_only_then()
    {
        var session = _h.NewSession();
        var stamps = new List<int> { session.ChangeStamp };
        void Step(Action act)
        {
            act();
            stamps.Add(session.ChangeStamp);
        }

        Step(() => session.Set("a", 1));
        Step(() => session.Set("a", 1));
        Step(() => session.SetBytes("b", [0xc0]));
        Step(() => session.Remove("b"));
        Step(() => session.Clear());
        Step(() => session.SetExpiry(TimeSpan.FromMinutes(5)));
        Step(session.SetExpiryAtBrowserClose);
        Step(session.ResetExpiry);
        Step(() => session.BindUser("u"));
        Step(session.CycleId);
        Step(session.Flush);

        for (var i = 1; i < stamps.Count; i++)
        {
            Assert.Equal(stamps[i - 1] + 1, stamps[i]);
        }

        var last = session.ChangeStamp;
        _ = session.Get<int>("a");
        _ = session.Count;
        _ = session.Remove("nothing");
        _ = session.ExpiryAge;
        Assert.Equal(last, session.ChangeStamp);
    }

    [Fact]
    public void Keys_must_be_one_to_256_characters()
    {
        var session = _h.NewSession();

        Assert.Throws<ArgumentNullException>(() => session.Set(null!, 1));
        Assert.Throws<ArgumentException>(() => session.Set("", 1));
        Assert.Throws<ArgumentException>(() => session.Set(new string('k', Session.MaxKeyLength + 1), 1));
        Assert.Throws<ArgumentException>(() => session.SetBytes("", [0xc0]));
        Assert.Throws<ArgumentException>(() => session.SetBytes(new string('k', 257), [0xc0]));
        Assert.Equal(0, session.Count);
        Assert.False(session.IsModified);

        session.Set(new string('k', 256), 1);
        session.Set("k", 1);
        Assert.Equal(2, session.Count);
        Assert.Equal(256, Session.MaxKeyLength);
    }

    [Fact]
    public void Null_keys_are_refused_by_every_keyed_member()
    {
        var session = _h.NewSession();

        Assert.Throws<ArgumentNullException>(() => session.Get<int>(null!));
        Assert.Throws<ArgumentNullException>(() => session.Get(null!, 1));
        Assert.Throws<ArgumentNullException>(() => session.TryGet<int>(null!, out _));
        Assert.Throws<ArgumentNullException>(() => session.GetBytes(null!));
        Assert.Throws<ArgumentNullException>(() => session.ContainsKey(null!));
        Assert.Throws<ArgumentNullException>(() => session.Remove(null!));
        Assert.Throws<ArgumentNullException>(() => session.Pop<int>(null!));
        Assert.Throws<ArgumentNullException>(() => session.SetBytes(null!, [0xc0]));
    }

    [Fact]
    public void Keys_are_case_sensitive_and_unicode()
    {
        var session = _h.NewSession();

        session.Set("Key", 1);
        session.Set("key", 2);
        session.Set("ключ", 3);

        Assert.Equal(1, session.Get<int>("Key"));
        Assert.Equal(2, session.Get<int>("key"));
        Assert.Equal(3, session.Get<int>("ключ"));
    }
}
