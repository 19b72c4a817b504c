using System.Security.Cryptography;
using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

/// <summary>
/// The behavioural contract of <see cref="ISessionStore"/>, as xunit tests. Subclass it in a test
/// project, implement <see cref="CreateStoreAsync"/>, and every test below runs against your store.
/// Stores that keep sessions outside the process should subclass
/// <see cref="PersistentSessionStoreConformanceTests"/> instead, which adds corrupt-data and outage tests.
/// </summary>
/// <remarks>
/// <para>xunit creates one instance of the subclass per test, so each test gets a fresh store from
/// <see cref="CreateStoreAsync"/>; give each one an isolated namespace (its own table, key prefix,
/// folder or database) so that counts such as <see cref="ISessionStore.DeleteExpiredAsync"/>'s are exact
/// even when test classes run in parallel.</para>
/// <para>Every instant passed to the store is explicit: <see cref="T0"/> (the test's start, whole
/// seconds) plus offsets. A store must judge expiry by the <c>now</c> it is given, never by its own
/// clock; stores with native expiry should set their time-to-live relative to that <c>now</c>.</para>
/// </remarks>
public abstract partial class SessionStoreConformanceTests : IAsyncLifetime
{
    private ISessionStore? _store;

    /// <summary>Creates the kit; <see cref="T0"/> is the current time truncated to whole seconds.</summary>
    protected SessionStoreConformanceTests()
    {
        var now = DateTimeOffset.UtcNow;
        T0 = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>The instant the test's sessions are created at.</summary>
    protected DateTimeOffset T0 { get; }

    /// <summary>The idle timeout of records made by <see cref="NewRecord"/>: 20 minutes.</summary>
    protected static TimeSpan IdleTimeout { get; } = TimeSpan.FromMinutes(20);

    /// <summary>The absolute timeout of records made by <see cref="NewRecord"/>: 8 hours.</summary>
    protected static TimeSpan AbsoluteTimeout { get; } = TimeSpan.FromHours(8);

    /// <summary>How many writers the concurrent-merge test runs at once. Default 100.</summary>
    protected virtual int ConcurrentWriters => 100;

    /// <summary>
    /// Whether <see cref="ISessionStore.DeleteExpiredAsync"/> can find expired sessions (default
    /// <see langword="true"/>). Override with <see langword="false"/> for a store over a backend that
    /// cannot enumerate its entries and evicts them itself (e.g. an <c>IDistributedCache</c>): the
    /// delete-expired tests then check that it deletes nothing, fails nothing, and that expired sessions
    /// still load as absent.
    /// </summary>
    protected virtual bool EnumeratesSessions => true;

    /// <summary>The store under test (created before each test by <see cref="CreateStoreAsync"/>).</summary>
    protected ISessionStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates a fresh, isolated, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract Task<ISessionStore> CreateStoreAsync();

    /// <summary>Releases a store made by <see cref="CreateStoreAsync"/> (and whatever it created). The default disposes it when it is disposable.</summary>
    /// <param name="store">The store.</param>
    /// <returns>A task.</returns>
    protected virtual async Task DisposeStoreAsync(ISessionStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    // The one difference between the xunit v2 and v3 builds of the kit: v3's IAsyncLifetime returns
    // ValueTask and extends IAsyncDisposable; v2's returns Task.
#if XUNIT_V3
    /// <inheritdoc/>
    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync(_store).ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
#else
    /// <inheritdoc/>
    public async Task InitializeAsync() => _store = await CreateStoreAsync().ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync(_store).ConfigureAwait(false);
        }
    }
#endif

    /// <summary>A new random store key (the SHA-256 of a random id, 64 lowercase hex characters).</summary>
    /// <returns>The key.</returns>
    protected static string NewKey() => Convert.ToHexStringLower(SHA256.HashData(RandomNumberGenerator.GetBytes(32)));

    /// <summary>A record with the default expiry (20 minutes idle, 8 hours absolute) created at <paramref name="createdAt"/> (default <see cref="T0"/>).</summary>
    /// <param name="createdAt">The creation instant.</param>
    /// <param name="values">The values.</param>
    /// <returns>The record.</returns>
    protected SessionRecord NewRecord(DateTimeOffset? createdAt = null, params (string Key, byte[] Value)[] values)
    {
        var at = createdAt ?? T0;
        return new SessionRecord(
            values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            at,
            SessionLifetime.Compute(SessionExpiryMode.Default, at, at, IdleTimeout, AbsoluteTimeout));
    }

    /// <summary>A change set that sets the given keys at <paramref name="now"/>.</summary>
    /// <param name="now">The instant of the save.</param>
    /// <param name="values">The keys to set.</param>
    /// <returns>The change set.</returns>
    protected static SessionChangeSet Set(DateTimeOffset now, params (string Key, byte[] Value)[] values)
        => new() { Now = now, SetValues = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal) };

    /// <summary>Loads without touching.</summary>
    /// <param name="key">The key.</param>
    /// <param name="now">The instant.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    protected async Task<SessionRecord?> LoadAsync(string key, DateTimeOffset now)
        => (await Store.LoadAsync(key, new SessionLoadRequest(now, null)).ConfigureAwait(false)).Record;

    /// <summary>Asserts two records are equal in every stored field.</summary>
    /// <param name="expected">The expected record.</param>
    /// <param name="actual">The record the store returned.</param>
    protected static void AssertSameRecord(SessionRecord expected, SessionRecord? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Lifetime, actual.Lifetime);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.UserKey, actual.UserKey);
        Assert.Equal(expected.Values.Keys.Order(StringComparer.Ordinal), actual.Values.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected.Values)
        {
            Assert.True(value.AsSpan().SequenceEqual(actual.Values[key]), $"Value of key '{key}' differs.");
        }
    }

    // ---- create / load ----------------------------------------------------------------------

    /// <summary>A created record loads back with every field intact.</summary>
    [Fact]
    public async Task Create_then_load_returns_every_field_intact()
    {
        var key = NewKey();
        var record = new SessionRecord(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["name"] = [0xa3, 0x61, 0x62, 0x63], ["n"] = [7] },
            T0,
            SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, IdleTimeout, AbsoluteTimeout),
            1,
            "user-42");

        Assert.True(await Store.CreateAsync(key, record));

        var loaded = await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromSeconds(1), null));
        Assert.False(loaded.Touched);
        AssertSameRecord(record, loaded.Record);
    }

    /// <summary>Keys are arbitrary strings and values arbitrary bytes, including ones that look like store metadata.</summary>
    [Fact]
    public async Task Keys_and_values_round_trip_exactly_including_awkward_ones()
    {
        var key = NewKey();
        var big = new byte[256 * 1024];
        new Random(5).NextBytes(big);
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [string.Empty] = [1],
            ["empty"] = [],
            ["zero bytes"] = [0, 0, 0],
            ["big"] = big,
            ["ключ ✓ 🔑"] = [2],
            ["_e"] = [3],
            ["v:x"] = [4],
            ["expires_at"] = [5],
            ["a\0b"] = [6],
            ["'; DROP TABLE x; --"] = [7],
        };
        for (var i = 0; i < 300; i++)
        {
            values["k" + i] = BitConverter.GetBytes(i);
        }

        var record = new SessionRecord(values, T0, SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, IdleTimeout, AbsoluteTimeout));
        Assert.True(await Store.CreateAsync(key, record));

        AssertSameRecord(record, await LoadAsync(key, T0));
    }

    /// <summary>
    /// The keys at the edges of what <c>Session</c> accepts (<see cref="Session.MaxKeyLength"/> characters of the longest
    /// UTF-8 form, surrogate pairs, a byte order mark, a noncharacter, white space around a word, framework keys such as
    /// MVC TempData's <c>__ControllerTempData</c>) round-trip through create, save (set, remove, expect) and load.
    /// </summary>
    [Fact]
    public async Task Every_kind_of_key_the_session_api_accepts_round_trips_through_create_save_and_load()
    {
        string[] created =
        [
            new string('€', Session.MaxKeyLength), // 768 UTF-8 bytes, the most a key can take
            string.Concat(Enumerable.Repeat("🔑", Session.MaxKeyLength / 2)),
            "__ControllerTempData",
            "\uFEFFbom",
            "\uFFFF",
        ];
        string[] saved = [" padded ", "\u00A0x", "\u200B", "__", new string('k', Session.MaxKeyLength), "ключ ✓ 🔑"];
        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(T0, [.. created.Select((k, i) => (k, new[] { (byte)i }))])));

        var changes = new SessionChangeSet
        {
            Now = T0,
            RemovedKeys = [created[^1]],
            SetValues = saved.Select((k, i) => (k, new[] { (byte)(100 + i) })).ToDictionary(e => e.k, e => e.Item2, StringComparer.Ordinal),
            ExpectedValues = new Dictionary<string, byte[]?>(StringComparer.Ordinal) { [created[0]] = [0], [created[1]] = [1], [saved[0]] = null },
        };
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, changes));

        var loaded = await LoadAsync(key, T0);
        Assert.NotNull(loaded);
        Assert.Equal(created[..^1].Concat(saved).Order(StringComparer.Ordinal), loaded.Values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([0], loaded.Values[created[0]]);
        Assert.Equal([101], loaded.Values[saved[1]]);

        // A conflicting expectation on such a key is seen as one.
        var stale = new SessionChangeSet
        {
            Now = T0,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["x"] = [1] },
            ExpectedValues = new Dictionary<string, byte[]?>(StringComparer.Ordinal) { [created[0]] = [9] },
        };
        Assert.Equal(SessionWriteOutcome.Conflict, await Store.SaveAsync(key, stale));
    }

    /// <summary>An unknown key is absent.</summary>
    [Fact]
    public async Task Load_of_an_unknown_key_is_not_found()
    {
        var result = await Store.LoadAsync(NewKey(), new SessionLoadRequest(T0, 0.25));

        Assert.Null(result.Record);
        Assert.False(result.Touched);
    }

    /// <summary>Create never overwrites a live session.</summary>
    [Fact]
    public async Task Create_refuses_a_live_duplicate_and_keeps_the_original()
    {
        var key = NewKey();
        var original = NewRecord(null, ("who", [1]));
        Assert.True(await Store.CreateAsync(key, original));

        Assert.False(await Store.CreateAsync(key, NewRecord(T0 + TimeSpan.FromMinutes(5), ("who", [2]))));

        AssertSameRecord(original, await LoadAsync(key, T0 + TimeSpan.FromMinutes(5)));
    }

    /// <summary>Create may reuse the key of an expired session.</summary>
    [Fact]
    public async Task Create_replaces_an_expired_session()
    {
        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("old", [1]))));
        var later = T0 + IdleTimeout + TimeSpan.FromMinutes(1);
        var replacement = NewRecord(later, ("new", [2]));

        Assert.True(await Store.CreateAsync(key, replacement));

        AssertSameRecord(replacement, await LoadAsync(key, later));
    }

    // ---- save -----------------------------------------------------------------------------------

    /// <summary>A save applies exactly <see cref="SessionRecord.Apply"/>: removals, sets, version + 1, expiry slid.</summary>
    [Fact]
    public async Task Save_applies_removals_and_sets_per_key_like_SessionRecord_Apply()
    {
        var key = NewKey();
        var record = NewRecord(null, ("keep", [1]), ("drop", [2]), ("change", [3]));
        await Store.CreateAsync(key, record);
        var changes = new SessionChangeSet
        {
            Now = T0 + TimeSpan.FromMinutes(3),
            RemovedKeys = ["drop", "never-existed"],
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["change"] = [30], ["added"] = [40] },
        };

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, changes));

        var expected = record.Apply(changes);
        AssertSameRecord(expected, await LoadAsync(key, changes.Now));
        Assert.Equal(2, expected.Version);
        Assert.Equal(changes.Now + IdleTimeout, expected.Lifetime.ExpiresAt);
    }

    /// <summary>Clear removes every stored key before the sets apply.</summary>
    [Fact]
    public async Task Save_with_clear_removes_every_stored_key_before_the_sets()
    {
        var key = NewKey();
        var record = NewRecord(null, ("a", [1]), ("b", [2]));
        await Store.CreateAsync(key, record);
        var changes = new SessionChangeSet
        {
            Now = T0 + TimeSpan.FromMinutes(1),
            ClearAll = true,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["b"] = [20], ["c"] = [30] },
        };

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, changes));

        AssertSameRecord(record.Apply(changes), await LoadAsync(key, changes.Now));
    }

    /// <summary>A change set's lifetime replaces the stored one; its user key replaces the binding only when flagged.</summary>
    [Fact]
    public async Task Save_replaces_the_lifetime_and_user_key_only_when_the_change_set_says_so()
    {
        var key = NewKey();
        var record = NewRecord(null, ("a", [1]));
        await Store.CreateAsync(key, record);
        var now = T0 + TimeSpan.FromMinutes(2);
        var relative = SessionLifetime.Compute(SessionExpiryMode.Relative, now, T0, IdleTimeout, AbsoluteTimeout, relativeIdle: TimeSpan.FromMinutes(90));
        var bind = new SessionChangeSet { Now = now, Lifetime = relative, UserKeyChanged = true, UserKey = "alice" };

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, bind));
        var afterBind = record.Apply(bind);
        AssertSameRecord(afterBind, await LoadAsync(key, now));
        Assert.Equal(now + TimeSpan.FromMinutes(90), afterBind.Lifetime.ExpiresAt);

        var plain = Set(now + TimeSpan.FromMinutes(1), ("b", [2]));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, plain));
        var afterPlain = afterBind.Apply(plain);
        AssertSameRecord(afterPlain, await LoadAsync(key, plain.Now));
        Assert.Equal("alice", afterPlain.UserKey);

        var unbind = new SessionChangeSet { Now = plain.Now, UserKeyChanged = true, UserKey = null };
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, unbind));
        AssertSameRecord(afterPlain.Apply(unbind), await LoadAsync(key, plain.Now));
    }

    /// <summary>An empty change set still slides the idle window and bumps the version.</summary>
    [Fact]
    public async Task An_empty_save_slides_the_idle_window()
    {
        var key = NewKey();
        var record = NewRecord();
        await Store.CreateAsync(key, record);
        var changes = new SessionChangeSet { Now = T0 + TimeSpan.FromMinutes(15) };

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, changes));

        var loaded = await LoadAsync(key, changes.Now);
        AssertSameRecord(record.Apply(changes), loaded);
        Assert.Equal(T0 + TimeSpan.FromMinutes(35), loaded!.Lifetime.ExpiresAt);
    }

    /// <summary>Saving to a key that was never created fails and creates nothing.</summary>
    [Fact]
    public async Task Save_on_a_missing_session_is_not_found_and_does_not_create_it()
    {
        var key = NewKey();

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(T0, ("x", [1]))));

        Assert.Null(await LoadAsync(key, T0));
        Assert.Equal(0, await Store.DeleteExpiredAsync(T0 + TimeSpan.FromDays(365)));
    }

    /// <summary>Saving to an expired session fails and neither revives nor changes it.</summary>
    [Fact]
    public async Task Save_on_an_expired_session_is_not_found_and_does_not_revive_it()
    {
        var key = NewKey();
        var record = NewRecord(null, ("a", [1]));
        await Store.CreateAsync(key, record);
        var later = T0 + IdleTimeout;

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(later, ("x", [1]))));

        Assert.Null(await LoadAsync(key, later));
        Assert.Null(await LoadAsync(key, later + TimeSpan.FromMinutes(1)));
    }

    /// <summary>Saving to a deleted session fails and does not recreate it.</summary>
    [Fact]
    public async Task Save_after_delete_is_not_found_and_does_not_recreate()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("a", [1])));
        Assert.True(await Store.DeleteAsync(key));

        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(key, Set(T0, ("x", [1]))));

        Assert.Null(await LoadAsync(key, T0));
    }

    /// <summary>A save changes its own session only; another session stays exactly as it was created.</summary>
    [Fact]
    public async Task A_save_changes_only_its_own_session()
    {
        var key = NewKey();
        var other = NewKey();
        var record = NewRecord(null, ("x", [1]));
        var otherRecord = NewRecord(null, ("x", [2]));
        await Store.CreateAsync(key, record);
        await Store.CreateAsync(other, otherRecord);
        var changes = new SessionChangeSet
        {
            Now = T0 + TimeSpan.FromMinutes(1),
            ClearAll = true,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["y"] = [3] },
        };

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, changes));

        AssertSameRecord(record.Apply(changes), await LoadAsync(key, changes.Now));
        AssertSameRecord(otherRecord, await LoadAsync(other, changes.Now));
    }

    /// <summary>A loaded record is a snapshot: later saves of its session do not change it.</summary>
    [Fact]
    public async Task A_loaded_record_is_a_snapshot_that_later_saves_do_not_change()
    {
        var key = NewKey();
        var record = NewRecord(null, ("a", [1]));
        await Store.CreateAsync(key, record);
        var before = await LoadAsync(key, T0);

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, new SessionChangeSet
        {
            Now = T0,
            ClearAll = true,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["b"] = [2] },
        }));

        AssertSameRecord(record, before);
    }

    /// <summary>
    /// Per-key merge: many concurrent saves, each of its own key, all survive when the store promises
    /// <see cref="SessionStoreCapabilities.AtomicMerge"/>; otherwise every save still succeeds and the
    /// result is one consistent record (whole-session last writer wins).
    /// </summary>
    [Fact]
    public async Task Concurrent_saves_of_different_keys_all_survive_when_the_store_promises_atomic_merge()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("owner", [1])));
        var writers = ConcurrentWriters;
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Store.SaveAsync(key, Set(T0 + TimeSpan.FromSeconds(1), ("k" + i, BitConverter.GetBytes(i)))).ConfigureAwait(false);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.Equal(SessionWriteOutcome.Applied, r));
        var loaded = await LoadAsync(key, T0 + TimeSpan.FromSeconds(1));
        Assert.NotNull(loaded);
        if (Store.Capabilities.HasFlag(SessionStoreCapabilities.AtomicMerge))
        {
            Assert.Equal(writers + 1, loaded.Values.Count);
            Assert.Equal(writers + 1, loaded.Version);
            Assert.All(Enumerable.Range(0, writers), i => Assert.Equal(BitConverter.GetBytes(i), loaded.Values["k" + i]));
        }
        else
        {
            Assert.InRange(loaded.Values.Count, 1, writers + 1);
        }
    }

    /// <summary>Concurrent saves of one key: the last writer wins, and the value is one that was written.</summary>
    [Fact]
    public async Task Concurrent_saves_of_the_same_key_leave_one_of_the_written_values()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("k", [0])));

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(async () =>
            Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, Set(T0, ("k", [(byte)i]))).ConfigureAwait(false)))));

        var value = (await LoadAsync(key, T0))!.Values["k"];
        Assert.Single(value);
        Assert.InRange(value[0], 1, 20);
    }

    /// <summary>
    /// Per-key merge of removals: concurrent saves that each remove one stored key and set another all take
    /// effect when the store promises <see cref="SessionStoreCapabilities.AtomicMerge"/>; otherwise every
    /// save still succeeds and the record holds only keys that were stored or written.
    /// </summary>
    [Fact]
    public async Task Concurrent_removes_and_sets_of_different_keys_all_take_effect_when_the_store_promises_atomic_merge()
    {
        var key = NewKey();
        var writers = Math.Min(ConcurrentWriters, 50);
        await Store.CreateAsync(key, NewRecord(null, [.. Enumerable.Range(0, writers).Select(i => ("old" + i, new[] { (byte)i }))]));
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Store.SaveAsync(key, new SessionChangeSet
            {
                Now = T0,
                RemovedKeys = ["old" + i],
                SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["new" + i] = [(byte)i] },
            }).ConfigureAwait(false);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.Equal(SessionWriteOutcome.Applied, r));
        var keys = (await LoadAsync(key, T0))!.Values.Keys.Order(StringComparer.Ordinal).ToList();
        if (Store.Capabilities.HasFlag(SessionStoreCapabilities.AtomicMerge))
        {
            Assert.Equal(Enumerable.Range(0, writers).Select(i => "new" + i).Order(StringComparer.Ordinal), keys);
        }
        else
        {
            Assert.All(keys, k => Assert.Matches("^(old|new)[0-9]+$", k));
        }
    }

    // ---- touch ----------------------------------------------------------------------------------

    /// <summary>A load touches only when the touch is due, in the same call, and persists it.</summary>
    [Fact]
    public async Task Load_touches_only_when_due_and_persists_the_touch()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());

        var early = await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromMinutes(2), 0.25));
        Assert.False(early.Touched);
        Assert.Equal(T0 + IdleTimeout, early.Record!.Lifetime.ExpiresAt);

        var due = await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromMinutes(10), 0.25));
        Assert.True(due.Touched);
        Assert.Equal(T0 + TimeSpan.FromMinutes(30), due.Record!.Lifetime.ExpiresAt);
        Assert.Equal(1, due.Record.Version);

        var again = await LoadAsync(key, T0 + TimeSpan.FromMinutes(10));
        Assert.Equal(T0 + TimeSpan.FromMinutes(30), again!.Lifetime.ExpiresAt);
        Assert.NotNull(await LoadAsync(key, T0 + TimeSpan.FromMinutes(29)));
    }

    /// <summary>A load without a touch threshold never writes.</summary>
    [Fact]
    public async Task Load_without_a_threshold_never_touches()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());

        var result = await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromMinutes(19), null));

        Assert.False(result.Touched);
        Assert.Null(await LoadAsync(key, T0 + IdleTimeout));
    }

    /// <summary>TouchAsync slides the expiry when due, reports whether it moved, and never revives an expired session.</summary>
    [Fact]
    public async Task Touch_slides_when_due_and_never_revives()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());

        Assert.False(await Store.TouchAsync(key, T0 + TimeSpan.FromMinutes(1), 0.25));
        Assert.True(await Store.TouchAsync(key, T0 + TimeSpan.FromMinutes(6), 0.25));
        Assert.Equal(T0 + TimeSpan.FromMinutes(26), (await LoadAsync(key, T0))!.Lifetime.ExpiresAt);

        Assert.False(await Store.TouchAsync(key, T0 + TimeSpan.FromMinutes(26), 0));
        Assert.Null(await LoadAsync(key, T0 + TimeSpan.FromMinutes(26)));
        Assert.False(await Store.TouchAsync(NewKey(), T0, 0));
    }

    // ---- expiry ---------------------------------------------------------------------------------

    /// <summary>Idle expiry: absent from the instant the idle window ends unless touched.</summary>
    [Fact]
    public async Task Idle_expiry_ends_the_session_when_the_idle_window_passes()
    {
        var key = NewKey();
        await Store.CreateAsync(key, NewRecord());

        Assert.NotNull(await LoadAsync(key, T0 + IdleTimeout - TimeSpan.FromSeconds(1)));
        Assert.Null(await LoadAsync(key, T0 + IdleTimeout));

        var result = await Store.LoadAsync(key, new SessionLoadRequest(T0 + IdleTimeout + TimeSpan.FromSeconds(1), 0));
        Assert.Null(result.Record);
        Assert.False(result.Touched);
    }

    /// <summary>Absolute expiry: touches and saves never move the expiry past the cap.</summary>
    [Fact]
    public async Task Absolute_expiry_caps_every_touch_and_save()
    {
        var key = NewKey();
        var cap = TimeSpan.FromMinutes(30);
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, IdleTimeout, cap);
        await Store.CreateAsync(key, new SessionRecord(null, T0, lifetime));

        var touched = await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromMinutes(15), 0));
        Assert.True(touched.Touched);
        Assert.Equal(T0 + cap, touched.Record!.Lifetime.ExpiresAt);

        Assert.False(await Store.TouchAsync(key, T0 + TimeSpan.FromMinutes(25), 0));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, Set(T0 + TimeSpan.FromMinutes(25), ("a", [1]))));
        Assert.Equal(T0 + cap, (await LoadAsync(key, T0))!.Lifetime.ExpiresAt);

        Assert.NotNull(await LoadAsync(key, T0 + cap - TimeSpan.FromSeconds(1)));
        Assert.Null(await LoadAsync(key, T0 + cap));
    }

    /// <summary>An absolute-mode session (fixed end instant) never slides.</summary>
    [Fact]
    public async Task An_absolute_mode_session_never_slides_and_ends_at_its_instant()
    {
        var key = NewKey();
        var end = T0 + TimeSpan.FromHours(1);
        var lifetime = SessionLifetime.Compute(SessionExpiryMode.Absolute, T0, T0, IdleTimeout, AbsoluteTimeout, absoluteAt: end);
        var record = new SessionRecord(null, T0, lifetime);
        await Store.CreateAsync(key, record);

        var load = await Store.LoadAsync(key, new SessionLoadRequest(T0 + TimeSpan.FromMinutes(50), 0));
        Assert.False(load.Touched);
        AssertSameRecord(record, load.Record);
        Assert.False(await Store.TouchAsync(key, T0 + TimeSpan.FromMinutes(50), 0));
        AssertSameRecord(record, await LoadAsync(key, T0));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, Set(T0 + TimeSpan.FromMinutes(55), ("a", [1]))));
        Assert.Equal(end, (await LoadAsync(key, T0))!.Lifetime.ExpiresAt);
        Assert.Null(await LoadAsync(key, end));
    }

    /// <summary>A browser-close session keeps its mode and is still ended server-side by the idle timeout.</summary>
    [Fact]
    public async Task Browser_close_expiry_keeps_its_mode_and_is_still_ended_by_the_idle_timeout()
    {
        var key = NewKey();
        var record = new SessionRecord(null, T0, SessionLifetime.Compute(SessionExpiryMode.BrowserClose, T0, T0, IdleTimeout, AbsoluteTimeout));
        await Store.CreateAsync(key, record);

        var loaded = await LoadAsync(key, T0);
        Assert.Equal(SessionExpiryMode.BrowserClose, loaded!.Lifetime.Mode);
        AssertSameRecord(record, loaded);

        var changes = Set(T0 + TimeSpan.FromMinutes(10), ("a", [1]));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, changes));
        var saved = await LoadAsync(key, changes.Now);
        Assert.Equal(SessionExpiryMode.BrowserClose, saved!.Lifetime.Mode);
        AssertSameRecord(record.Apply(changes), saved);

        Assert.Null(await LoadAsync(key, changes.Now + IdleTimeout));
    }

    /// <summary>Switching a session to browser-close and back through a save's lifetime round-trips.</summary>
    [Fact]
    public async Task A_save_can_switch_a_session_to_browser_close_and_back()
    {
        var key = NewKey();
        var record = NewRecord();
        await Store.CreateAsync(key, record);
        var now = T0 + TimeSpan.FromMinutes(1);
        var toBrowser = new SessionChangeSet { Now = now, Lifetime = SessionLifetime.Compute(SessionExpiryMode.BrowserClose, now, T0, IdleTimeout, AbsoluteTimeout) };
        var back = new SessionChangeSet { Now = now, Lifetime = SessionLifetime.Compute(SessionExpiryMode.Default, now, T0, IdleTimeout, AbsoluteTimeout) };

        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, toBrowser));
        Assert.Equal(SessionExpiryMode.BrowserClose, (await LoadAsync(key, now))!.Lifetime.Mode);
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(key, back));

        AssertSameRecord(record.Apply(toBrowser).Apply(back), await LoadAsync(key, now));
    }

    // ---- delete ---------------------------------------------------------------------------------

    /// <summary>Delete removes a session and reports whether there was one.</summary>
    [Fact]
    public async Task Delete_removes_the_session_and_reports_whether_it_existed()
    {
        var key = NewKey();
        var other = NewKey();
        await Store.CreateAsync(key, NewRecord(null, ("a", [1])));
        await Store.CreateAsync(other, NewRecord(null, ("b", [2])));

        Assert.True(await Store.DeleteAsync(key));
        Assert.False(await Store.DeleteAsync(key));
        Assert.False(await Store.DeleteAsync(NewKey()));

        Assert.Null(await LoadAsync(key, T0));
        Assert.NotNull(await LoadAsync(other, T0));
        Assert.True(await Store.CreateAsync(key, NewRecord()));
    }

    /// <summary>Delete-expired removes exactly the expired sessions and reports progress up to the count.</summary>
    [Fact]
    public async Task Delete_expired_removes_only_expired_sessions_and_reports_progress()
    {
        const int Expired = 37;
        var expired = new List<string>();
        for (var i = 0; i < Expired; i++)
        {
            var key = NewKey();
            expired.Add(key);
            Assert.True(await Store.CreateAsync(key, NewRecord(T0 - TimeSpan.FromHours(1), ("i", [(byte)i]))));
        }

        var live = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var key = NewKey();
            live.Add(key);
            Assert.True(await Store.CreateAsync(key, NewRecord(T0 - TimeSpan.FromMinutes(i))));
        }

        var reports = new List<SessionCleanupProgress>();
        var deleted = await Store.DeleteExpiredAsync(T0, new InlineProgress(reports.Add));
        if (!EnumeratesSessions)
        {
            Assert.Equal(0, deleted);
            Assert.All(reports, r => Assert.Equal(0, r.Deleted));
            foreach (var key in expired)
            {
                Assert.Null(await LoadAsync(key, T0));
            }

            foreach (var key in live)
            {
                Assert.NotNull(await LoadAsync(key, T0));
            }

            return;
        }

        Assert.Equal(Expired, deleted);
        Assert.NotEmpty(reports);
        Assert.Equal(Expired, reports[^1].Deleted);
        for (var i = 0; i < reports.Count; i++)
        {
            Assert.InRange(reports[i].Deleted, i == 0 ? 0 : reports[i - 1].Deleted, Expired);
            if (reports[i].Total is { } total)
            {
                Assert.True(total >= reports[i].Deleted, $"Report {i}: total {total} is below deleted {reports[i].Deleted}.");
            }
        }

        foreach (var key in live)
        {
            Assert.NotNull(await LoadAsync(key, T0));
        }

        Assert.Equal(0, await Store.DeleteExpiredAsync(T0));
        Assert.Equal(3, await Store.DeleteExpiredAsync(T0 + TimeSpan.FromDays(1)));
    }

    /// <summary>Delete-expired on an empty store deletes nothing and does not fail.</summary>
    [Fact]
    public async Task Delete_expired_on_an_empty_store_returns_zero()
    {
        var reports = new List<SessionCleanupProgress>();

        Assert.Equal(0, await Store.DeleteExpiredAsync(T0, new InlineProgress(reports.Add)));
        Assert.All(reports, r => Assert.Equal(0, r.Deleted));
    }

    /// <summary>
    /// Delete-expired stops between batches when cancelled: with a token cancelled before the call it throws
    /// <see cref="OperationCanceledException"/> and deletes nothing. A store that cannot enumerate its
    /// sessions (<see cref="EnumeratesSessions"/>) deletes nothing anyway and may return instead.
    /// </summary>
    [Fact]
    public async Task Delete_expired_with_a_cancelled_token_throws_and_deletes_nothing()
    {
        var key = NewKey();
        var record = NewRecord(null, ("a", [1]));
        await Store.CreateAsync(key, record);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var error = await Record.ExceptionAsync(async () => await Store.DeleteExpiredAsync(T0 + TimeSpan.FromDays(1), null, cancelled.Token).ConfigureAwait(false));

        if (EnumeratesSessions || error is not null)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(error);
        }

        AssertSameRecord(record, await LoadAsync(key, T0));
    }

    /// <summary>Reports progress synchronously, unlike <see cref="Progress{T}"/>, so assertions see every report.</summary>
    /// <param name="report">Receives each report.</param>
    protected sealed class InlineProgress(Action<SessionCleanupProgress> report) : IProgress<SessionCleanupProgress>
    {
        /// <inheritdoc/>
        public void Report(SessionCleanupProgress value) => report(value);
    }
}
