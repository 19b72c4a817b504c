using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

public abstract partial class SessionStoreConformanceTests
{
    // ---- user index ("log out everywhere") ------------------------------------------------------

    /// <summary>A store declares <see cref="SessionStoreCapabilities.UserIndex"/> exactly when it implements <see cref="ISessionUserIndex"/>.</summary>
    [Fact]
    public void The_UserIndex_capability_matches_the_ISessionUserIndex_implementation()
        => Assert.Equal(Store is ISessionUserIndex, Store.Capabilities.HasFlag(SessionStoreCapabilities.UserIndex));

    /// <summary>
    /// Revoking a user deletes every live session bound to them — bound at creation, by a save, or
    /// carried over by an id cycle — and no session of another user (user keys compare ordinally) or
    /// an unbound one. Stores without a user index pass trivially.
    /// </summary>
    [Fact]
    public async Task Revoking_a_user_deletes_every_session_bound_to_them_and_nothing_else()
    {
        if (Store is not ISessionUserIndex index)
        {
            return;
        }

        var boundAtCreate = NewKey();
        Assert.True(await Store.CreateAsync(boundAtCreate, Bound(NewRecord(null, ("a", [1])), "alice")));
        var boundBySave = NewKey();
        Assert.True(await Store.CreateAsync(boundBySave, NewRecord(null, ("a", [2]))));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(boundBySave, new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = "alice" }));
        var cycledFrom = NewKey();
        Assert.True(await Store.CreateAsync(cycledFrom, Bound(NewRecord(), "alice")));
        var cycledTo = NewKey();
        Assert.True(await Store.CreateAsync(cycledTo, (await LoadAsync(cycledFrom, T0))!));
        Assert.True(await Store.DeleteAsync(cycledFrom));

        var bob = NewKey();
        Assert.True(await Store.CreateAsync(bob, Bound(NewRecord(), "bob")));
        var upperCase = NewKey();
        Assert.True(await Store.CreateAsync(upperCase, Bound(NewRecord(), "Alice")));
        var unbound = NewKey();
        Assert.True(await Store.CreateAsync(unbound, NewRecord()));

        Assert.Equal(3, await index.RevokeUserAsync("alice"));

        foreach (var key in new[] { boundAtCreate, boundBySave, cycledTo, cycledFrom })
        {
            Assert.Null(await LoadAsync(key, T0));
        }

        Assert.Equal("bob", (await LoadAsync(bob, T0))?.UserKey);
        Assert.Equal("Alice", (await LoadAsync(upperCase, T0))?.UserKey);
        Assert.NotNull(await LoadAsync(unbound, T0));
        Assert.Equal(SessionWriteOutcome.NotFound, await Store.SaveAsync(boundBySave, Set(T0, ("late", [1]))));
        Assert.Null(await LoadAsync(boundBySave, T0));
        Assert.Equal(0, await index.RevokeUserAsync("alice"));
        Assert.Equal(0, await index.RevokeUserAsync("nobody"));
    }

    /// <summary>A session re-bound to another user, or unbound, is no longer revoked for its former user.</summary>
    [Fact]
    public async Task A_rebound_or_unbound_session_is_not_revoked_for_its_former_user()
    {
        if (Store is not ISessionUserIndex index)
        {
            return;
        }

        var rebound = NewKey();
        Assert.True(await Store.CreateAsync(rebound, Bound(NewRecord(), "alice")));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(rebound, new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = "bob" }));
        var unbound = NewKey();
        Assert.True(await Store.CreateAsync(unbound, Bound(NewRecord(), "alice")));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(unbound, new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = null }));

        Assert.Equal(0, await index.RevokeUserAsync("alice"));

        Assert.Equal("bob", (await LoadAsync(rebound, T0))?.UserKey);
        Assert.NotNull(await LoadAsync(unbound, T0));
        Assert.Equal(1, await index.RevokeUserAsync("bob"));
        Assert.Null(await LoadAsync(rebound, T0));
    }

    /// <summary>Sessions bound after a revoke are unaffected by it and revocable by the next one; a user with many sessions loses them all.</summary>
    [Fact]
    public async Task Sessions_bound_after_a_revoke_are_revoked_by_the_next_one()
    {
        if (Store is not ISessionUserIndex index)
        {
            return;
        }

        Assert.Equal(0, await index.RevokeUserAsync("carol"));
        var keys = Enumerable.Range(0, 25).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            Assert.True(await Store.CreateAsync(key, Bound(NewRecord(), "carol")));
        }

        Assert.Equal(keys.Count, await index.RevokeUserAsync("carol"));
        var again = NewKey();
        Assert.True(await Store.CreateAsync(again, Bound(NewRecord(), "carol")));
        Assert.NotNull(await LoadAsync(again, T0));
        Assert.Equal(1, await index.RevokeUserAsync("carol"));
        Assert.Null(await LoadAsync(again, T0));
    }

    /// <summary>A copy of <paramref name="record"/> bound to <paramref name="userKey"/>.</summary>
    /// <param name="record">The record.</param>
    /// <param name="userKey">The user key.</param>
    /// <returns>The bound record.</returns>
    protected static SessionRecord Bound(SessionRecord record, string userKey)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new SessionRecord(record.Values, record.CreatedAt, record.Lifetime, record.Version, userKey);
    }

    /// <summary>
    /// A store that lists a user's sessions (<see cref="ISessionUserListing"/>, behind "your sessions") lists every live
    /// session bound to the user — bound at creation, by a save, or carried over by an id cycle — and no expired one, no
    /// session of another user (user keys compare ordinally), no unbound one and no tombstone. Stores without it pass trivially.
    /// </summary>
    [Fact]
    public async Task Listing_a_users_sessions_gives_the_live_ones_bound_to_them()
    {
        if (Store is not ISessionUserListing listing)
        {
            return;
        }

        var boundAtCreate = NewKey();
        Assert.True(await Store.CreateAsync(boundAtCreate, Bound(NewRecord(null, ("a", [1])), "alice")));
        var boundBySave = NewKey();
        Assert.True(await Store.CreateAsync(boundBySave, NewRecord(null, ("a", [2]))));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.SaveAsync(boundBySave, new SessionChangeSet { Now = T0, UserKeyChanged = true, UserKey = "alice" }));
        var cycledFrom = NewKey();
        Assert.True(await Store.CreateAsync(cycledFrom, Bound(NewRecord(null, ("a", [3])), "alice")));
        var cycledTo = NewKey();
        Assert.Equal(SessionWriteOutcome.Applied, await Store.CycleAsync(cycledFrom, cycledTo, new SessionChangeSet { Now = T0 }, T0.AddMinutes(1)));
        var expired = NewKey();
        Assert.True(await Store.CreateAsync(expired, Bound(NewRecord(T0.AddHours(-9), ("a", [4])), "alice")));
        Assert.True(await Store.CreateAsync(NewKey(), Bound(NewRecord(), "bob")));
        Assert.True(await Store.CreateAsync(NewKey(), Bound(NewRecord(), "Alice")));
        Assert.True(await Store.CreateAsync(NewKey(), NewRecord()));

        var listed = (await listing.ListUserSessionKeysAsync("alice", T0)).Distinct().Order(StringComparer.Ordinal).ToList();

        // Entries are hints the caller checks; a conforming store lists at least the live bound sessions, and of the
        // others at most the cycled-from key (now a tombstone) or the expired one — never another user's or an unbound one.
        Assert.Contains(boundAtCreate, listed);
        Assert.Contains(boundBySave, listed);
        Assert.Contains(cycledTo, listed);
        Assert.Empty(listed.Except([boundAtCreate, boundBySave, cycledTo, cycledFrom, expired]));
        Assert.Empty(await listing.ListUserSessionKeysAsync("nobody", T0));
    }
}
