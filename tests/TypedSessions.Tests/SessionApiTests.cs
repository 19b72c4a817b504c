using MessagePack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TypedSessions.AspNetCore;
using TypedSessions.Ids;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Tests;

public sealed class SessionApiTests : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan Absolute = TimeSpan.FromHours(8);

    private readonly SessionTestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static List<int> Cart(Session session) => session.Get<List<int>>("cart")!;

    // ---- DI ----

    [Fact]
    public void AddTypedSessions_with_AddMemoryStore_builds_a_coordinator_over_the_memory_store()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(SessionTestHarness.Start))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddTypedSessions(o => o.IdleTimeout = TimeSpan.FromMinutes(7)).AddMemoryStore();
        using var provider = services.BuildServiceProvider();

        var coordinator = provider.GetRequiredService<SessionCoordinator>();

        Assert.IsType<MemorySessionStore>(coordinator.Store);
        Assert.Same(provider.GetRequiredService<MemorySessionStore>(), coordinator.Store);
        Assert.Equal(TimeSpan.FromMinutes(7), coordinator.Options.IdleTimeout);
        Assert.Equal(SessionTestHarness.Start, coordinator.Now);
        var session = new Session(coordinator, cookieId: null);
        Assert.Equal(SessionTestHarness.Start.AddMinutes(7), session.ExpiresAt);
    }

    // ---- a request without a cookie ----

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

    // ---- commit of a new session ----

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

    // ---- a request with a cookie ----

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

    [Fact]
    public async Task A_store_failure_on_load_makes_LoadAsync_throw_SessionUnavailableException()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Store.LoadFailure = new IOException("disk on fire");
        var session = _h.CookieSession(id);

        var ex = await Assert.ThrowsAsync<SessionUnavailableException>(async () => await session.LoadAsync());

        Assert.False(session.IsAvailable);
        Assert.IsType<IOException>(ex.InnerException?.InnerException);
        Assert.Throws<SessionUnavailableException>(() => session.Get<int>("a"));
        Assert.Throws<SessionUnavailableException>(() => session.Set("a", 2));

        // Committing an unavailable session writes nothing over the real data.
        await session.CommitAsync();
        Assert.Equal(1, _h.Store.Calls);
        Assert.Equal(1, MessagePackSerializer.Deserialize<int>((await _h.StoredAsync(id))!.Values["a"]));
    }

    [Fact]
    public async Task Under_ContinueUnavailable_a_failed_load_does_not_throw_but_every_access_does()
    {
        using var h = new SessionTestHarness(o => o.FailurePolicy = StoreFailurePolicy.ContinueUnavailable);
        h.Store.LoadFailure = new InvalidOperationException("down");
        var session = h.CookieSession(SessionId.New());

        await session.LoadAsync();

        Assert.False(session.IsAvailable);
        Assert.False(session.IsLoaded);
        Assert.Throws<SessionUnavailableException>(() => session.Count);
        Assert.Throws<SessionUnavailableException>(() => session.Set("a", 1));
    }

    [Fact]
    public async Task A_load_that_never_completes_fails_as_unavailable_after_the_store_timeout()
    {
        using var h = new SessionTestHarness(o => o.StoreTimeout = TimeSpan.FromMilliseconds(200));
        h.Store.HangLoads = true;
        var session = h.CookieSession(SessionId.New());

        var ex = await Assert.ThrowsAsync<SessionUnavailableException>(async () => await session.LoadAsync());

        Assert.False(session.IsAvailable);
        Assert.IsType<TimeoutException>(ex.InnerException?.InnerException);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 6 && r.Level == LogLevel.Error);
    }

    [Fact]
    public async Task A_failed_save_fails_the_commit_as_unavailable()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);
        session.Set("a", 2);
        _h.Store.WriteFailure = new IOException("disk full");

        var ex = await Assert.ThrowsAsync<SessionUnavailableException>(session.CommitAsync);

        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(1, MessagePackSerializer.Deserialize<int>((await _h.StoredAsync(id))!.Values["a"]));
    }

    [Fact]
    public async Task A_save_that_finds_its_session_deleted_does_not_recreate_it_and_is_interrupted()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        var session = await _h.LoadedAsync(id);
        await _h.Memory.DeleteAsync(id.StoreKey);

        session.Set("a", 2);
        await Assert.ThrowsAsync<SessionInterruptedException>(session.CommitAsync);

        Assert.Equal(1, _h.Store.Saves);
        Assert.Null(await _h.StoredAsync(id));
        Assert.Contains(_h.Logs.GetSnapshot(), r => r.Id.Id == 9 && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Logs_carry_the_short_hash_and_never_a_raw_id()
    {
        var ids = new List<SessionId>();
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        ids.Add(id);
        var session = await _h.LoadedAsync(id);
        session.Set("b", 2);
        await session.CommitAsync();
        session = await _h.LoadedAsync(id);
        session.CycleId();
        ids.Add(session.Id!);
        await session.CommitAsync();
        session = await _h.LoadedAsync(session.Id!);
        session.Flush();
        await session.CommitAsync();
        var unknown = SessionId.New();
        ids.Add(unknown);
        await _h.LoadedAsync(unknown);
        _h.Store.LoadFailure = new InvalidOperationException("store down");
        await Assert.ThrowsAsync<SessionUnavailableException>(async () => await _h.LoadedAsync(id));

        var records = _h.Logs.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 1); // loaded
        Assert.Contains(records, r => r.Id.Id == 2); // not found
        Assert.Contains(records, r => r.Id.Id == 5); // store failed
        Assert.Contains(records, r => r.Id.Id == 7); // created
        Assert.Contains(records, r => r.Id.Id == 8); // saved
        Assert.Contains(records, r => r.Id.Id == 10); // deleted
        foreach (var record in records)
        {
            var text = string.Join(
                "\n",
                new[] { record.Message, record.Exception?.ToString() }
                    .Concat(record.StructuredState?.Select(kv => kv.Value) ?? []));
            foreach (var sessionId in ids)
            {
                Assert.DoesNotContain(sessionId.Value, text, StringComparison.Ordinal);
                Assert.DoesNotContain(sessionId.StoreKey, text, StringComparison.Ordinal);
            }
        }

        Assert.All(ids, i => Assert.Contains(records, r => r.Message.Contains(i.LogId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Corrupt_stored_data_on_load_is_treated_as_absent()
    {
        var id = await _h.SeedAsync(s => s.Set("a", 1));
        _h.Store.LoadFailure = new SessionDataException("bad bytes");

        var session = await _h.LoadedAsync(id);

        Assert.True(session.IsAvailable);
        Assert.True(session.IsNew);
        Assert.Equal(0, session.Count);
    }

    // ---- commit of a loaded session: per-key merge ----

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

    // ---- clear / flush / cycle ----

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

    // ---- expiry ----

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

    // ---- user binding ----

    [Fact]
    public async Task BindUser_is_saved_and_unbinding_clears_it()
    {
        var session = _h.NewSession();
        session.BindUser("u1");
        Assert.Equal("u1", session.UserKey);
        Assert.NotNull(session.Id);
        await session.CommitAsync();
        Assert.Equal("u1", (await _h.StoredAsync(session.Id!))!.UserKey);

        var loaded = await _h.LoadedAsync(session.Id!);
        Assert.Equal("u1", loaded.UserKey);
        var stamp = loaded.ChangeStamp;
        loaded.BindUser("u1");
        Assert.Equal(stamp, loaded.ChangeStamp);
        Assert.False(loaded.IsModified);

        loaded.BindUser(null);
        await loaded.CommitAsync();
        Assert.Null((await _h.StoredAsync(session.Id!))!.UserKey);
    }

    // ---- change stamp ----

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

    // ---- the typed value cache ----

    [Fact]
    public async Task A_second_typed_read_returns_the_cached_instance()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1, 2 }));
        var session = await _h.LoadedAsync(id);

        var first = session.Get<List<int>>("cart");
        var second = session.Get<List<int>>("cart");

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.True(session.TryGet<List<int>>("cart", out var third));
        Assert.Same(first, third);
    }

    [Fact]
    public void A_read_after_a_set_returns_the_instance_that_was_set()
    {
        var session = _h.NewSession();
        var cart = new List<int> { 1 };

        session.Set("cart", cart);

        Assert.Same(cart, session.Get<List<int>>("cart"));
    }

    [Fact]
    public async Task A_mutated_list_read_via_Get_is_saved_on_commit()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1, 2 }));
        var session = await _h.LoadedAsync(id);

        Cart(session).Add(3);
        Assert.False(session.IsModified);
        await session.CommitAsync();

        Assert.True(session.IsModified);
        Assert.Equal(1, _h.Store.Saves);
        var stored = MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(id))!.Values["cart"]);
        Assert.Equal([1, 2, 3], stored);
    }

    [Fact]
    public async Task A_mutated_value_is_saved_as_a_single_key_change()
    {
        var id = await _h.SeedAsync(s =>
        {
            s.Set("cart", new List<int> { 1 });
            s.Set("other", 1);
        });
        var session = await _h.LoadedAsync(id);
        var concurrent = await _h.LoadedAsync(id);
        concurrent.Set("other", 2);
        await concurrent.CommitAsync();

        Cart(session).Add(2);
        await session.CommitAsync();

        var record = await _h.StoredAsync(id);
        Assert.Equal(2, MessagePackSerializer.Deserialize<int>(record!.Values["other"]));
        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>(record.Values["cart"]));
    }

    [Fact]
    public async Task A_mutated_object_set_in_this_request_is_saved_as_mutated()
    {
        var session = _h.NewSession();
        var cart = new List<int> { 1 };
        session.Set("cart", cart);

        cart.Add(2);
        await session.CommitAsync();

        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(session.Id!))!.Values["cart"]));
    }

    [Fact]
    public async Task An_unmutated_list_read_via_Get_is_not_written()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1, 2 }));
        var session = await _h.LoadedAsync(id);

        _ = Cart(session).Count;
        await session.CommitAsync();

        Assert.False(session.IsModified);
        Assert.Equal(0, _h.Store.Saves);
    }

    [Fact]
    public async Task A_mutation_seen_through_GetBytes_is_still_saved_on_commit()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await _h.LoadedAsync(id);

        Cart(session).Add(2);
        var bytes = session.GetBytes("cart")!.Value.ToArray();
        await session.CommitAsync();

        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>(bytes));
        Assert.True(session.IsModified);
        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(id))!.Values["cart"]));
    }

    [Fact]
    public async Task A_mutation_is_not_lost_when_the_value_is_then_read_as_another_type()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await _h.LoadedAsync(id);

        Cart(session).Add(2);
        Assert.Equal([1, 2], session.Get<int[]>("cart")!);
        await session.CommitAsync();

        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(id))!.Values["cart"]));
    }

    [Fact]
    public async Task Size_follows_a_value_mutated_in_place()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await _h.LoadedAsync(id);
        var sizeBefore = session.Size;

        Cart(session).AddRange([2, 3, 4]);
        await session.CommitAsync();

        Assert.Equal(sizeBefore + 3, session.Size);
        Assert.Equal(1, _h.Store.Saves);
    }

    [Fact]
    public async Task Reading_a_value_as_an_incompatible_type_throws_SessionValueException()
    {
        var id = await _h.SeedAsync(s => s.Set("name", "ada"));
        var session = await _h.LoadedAsync(id);

        var ex = Assert.Throws<SessionValueException>(() => session.Get<int>("name"));

        Assert.Equal("name", ex.Key);
        Assert.Equal(typeof(int), ex.ValueType);
        Assert.Contains("'name'", ex.Message, StringComparison.Ordinal);
        Assert.IsType<MessagePackSerializationException>(ex.InnerException);
        Assert.Throws<SessionValueException>(() => session.TryGet<List<int>>("name", out _));
        Assert.Equal("ada", session.Get<string>("name"));
        Assert.False(session.IsModified);
        await session.CommitAsync();
        Assert.Equal(0, _h.Store.Saves);
    }

    [Fact]
    public void Reading_raw_bytes_that_are_not_messagepack_throws_SessionValueException()
    {
        var session = _h.NewSession();
        session.SetBytes("bad", [0xc1]);

        Assert.Throws<SessionValueException>(() => session.Get<int>("bad"));
    }

    // ---- size limit ----

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

    // ---- keys ----

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
