using MessagePack;
using Microsoft.Extensions.Logging;
using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Tests.SessionApi;

/// <summary>Store failures: unavailable loads and saves, timeouts, a session deleted meanwhile, corrupt data, and what the logs carry.</summary>
public sealed class SessionStoreFailureTests : SessionApiTestBase
{
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
    public async Task Under_ContinueUnavailable_blind_writes_before_a_failed_load_fail_the_commit_instead_of_vanishing()
    {
        using var h = new SessionTestHarness(o => o.FailurePolicy = StoreFailurePolicy.ContinueUnavailable);
        h.Store.OffersKeyReads = true;
        var id = await h.SeedAsync(s => s.Set("a", 1));
        var session = h.CookieSession(id);
        session.Set("b", 2);
        h.Store.LoadFailure = new InvalidOperationException("down");

        await session.LoadAsync();

        Assert.False(session.IsAvailable);
        await Assert.ThrowsAsync<SessionUnavailableException>(() => session.CommitAsync());
        Assert.True(session.IsAbandoned);
        Assert.Equal(0, h.Store.BlindSaves);
        h.Store.LoadFailure = null;
        Assert.False((await h.StoredAsync(id))!.Values.ContainsKey("b"));
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
}
