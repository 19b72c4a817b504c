using TypedSessions.Storage;
using Xunit;

namespace TypedSessions.Testing;

public abstract partial class SessionStoreConformanceTests
{
    // ---- loads of some keys (optional: ISessionKeyReader with SessionStoreCapabilities.KeyReads) ----------------------

    private ISessionKeyReader? KeyReader
        => Store is ISessionKeyReader reader && Store.Capabilities.HasFlag(SessionStoreCapabilities.KeyReads) ? reader : null;

    /// <summary>
    /// A load of some keys returns the session's metadata as a whole load does and, of its values, only the names asked
    /// for that are present; it answers an absent, expired or ended session as a whole load does, and touches when due.
    /// Stores without key reads pass trivially.
    /// </summary>
    [Fact]
    public async Task A_load_of_some_keys_returns_the_metadata_and_only_those_values_and_touches_as_a_load_does()
    {
        if (KeyReader is not { } reader)
        {
            return;
        }

        var key = NewKey();
        var stored = new SessionRecord(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["a"] = [1], ["b"] = [2, 2], ["c"] = [3, 3, 3], ["ключ"] = [4] },
            T0,
            SessionLifetime.Compute(SessionExpiryMode.Default, T0, T0, IdleTimeout, AbsoluteTimeout),
            1,
            "user-1");
        Assert.True(await Store.CreateAsync(key, stored));

        var some = await reader.LoadKeysAsync(key, ["a", "ключ", "missing"], new SessionLoadRequest(T0, null));

        Assert.False(some.Touched);
        Assert.NotNull(some.Record);
        var whole = await LoadAsync(key, T0);
        AssertSameRecord(new SessionRecord(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["a"] = [1], ["ключ"] = [4] }, whole!.CreatedAt, whole.Lifetime, whole.Version, whole.UserKey), some.Record);
        Assert.Equal("user-1", some.Record.UserKey);

        // Due for a touch: slid and persisted, as LoadAsync would.
        var due = T0 + (IdleTimeout / 2);
        var touched = await reader.LoadKeysAsync(key, ["b"], new SessionLoadRequest(due, 0.25));
        Assert.True(touched.Touched);
        Assert.Equal(due + IdleTimeout, touched.Record!.Lifetime.ExpiresAt);
        Assert.Equal([2, 2], touched.Record.Values["b"]);
        Assert.Single(touched.Record.Values);
        Assert.Equal(due + IdleTimeout, (await LoadAsync(key, due))!.Lifetime.ExpiresAt);

        Assert.Null((await reader.LoadKeysAsync(NewKey(), ["a"], new SessionLoadRequest(T0, null))).Record);
        var afterIdle = due + IdleTimeout + TimeSpan.FromSeconds(1);
        Assert.Equal(SessionLoadResult.NotFound, await reader.LoadKeysAsync(key, ["a"], new SessionLoadRequest(afterIdle, 0.25)));

        var ended = NewKey();
        Assert.True(await Store.CreateAsync(ended, NewRecord(null, ("a", [1]))));
        Assert.Equal(SessionWriteOutcome.Applied, await Store.EndAsync(ended, T0, T0 + TimeSpan.FromMinutes(1)));
        Assert.True((await reader.LoadKeysAsync(ended, ["a"], new SessionLoadRequest(T0, 0.25))).IsSuperseded);
    }

    /// <summary>
    /// A store with key reads honours expectations in a blind save (a request that loaded some keys saves that way): the
    /// change set applies only when every expected key holds exactly the expected value (or is absent when expected
    /// absent); otherwise it reports <see cref="SessionWriteOutcome.Conflict"/> and writes nothing.
    /// </summary>
    [Fact]
    public async Task A_store_with_key_reads_checks_expectations_in_a_blind_save()
    {
        if (KeyReader is null || BlindWriter is not { } writer)
        {
            return;
        }

        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("n", [1]), ("other", [9]))));

        SessionChangeSet Expecting(byte[] value, params (string Key, byte[]? Value)[] expected) => new()
        {
            Now = T0,
            SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["n"] = value },
            ExpectedValues = expected.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
        };

        Assert.Equal(SessionWriteOutcome.Conflict, (await writer.SaveBlindAsync(key, Expecting([5], ("n", [2])), long.MaxValue)).Outcome);
        Assert.Equal(SessionWriteOutcome.Conflict, (await writer.SaveBlindAsync(key, Expecting([5], ("n", null)), long.MaxValue)).Outcome);
        Assert.Equal(SessionWriteOutcome.Conflict, (await writer.SaveBlindAsync(key, Expecting([5], ("n", [1]), ("absent", [1])), long.MaxValue)).Outcome);
        Assert.Equal([1], (await LoadAsync(key, T0))!.Values["n"]);

        Assert.Equal(SessionWriteOutcome.Applied, (await writer.SaveBlindAsync(key, Expecting([2], ("n", [1]), ("absent", null)), long.MaxValue)).Outcome);
        var after = await LoadAsync(key, T0);
        Assert.Equal([2], after!.Values["n"]);
        Assert.Equal([9], after.Values["other"]);
    }

    /// <summary>
    /// Read-modify-writes through key reads: writers each load one counter key, then blind-save it incremented with the
    /// value they read as the expectation, retrying on a conflict. Every increment the store acknowledged is in the final
    /// count, and no other — the expectation check and the write are one atomic step.
    /// </summary>
    [Fact]
    public async Task Concurrent_increments_through_key_reads_keep_every_acknowledged_increment()
    {
        if (KeyReader is not { } reader || BlindWriter is not { } writer)
        {
            return;
        }

        var key = NewKey();
        Assert.True(await Store.CreateAsync(key, NewRecord(null, ("n", BitConverter.GetBytes(0)), ("big", new byte[1000]))));
        var writers = Math.Min(ConcurrentWriters, 20);
        const int attempts = 10;
        var acknowledged = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var applied = 0;
            for (var i = 0; i < attempts; i++)
            {
                var read = (await reader.LoadKeysAsync(key, ["n"], new SessionLoadRequest(T0, null)).ConfigureAwait(false)).Record!.Values["n"];
                var next = BitConverter.GetBytes(BitConverter.ToInt32(read) + 1);
                var outcome = (await writer.SaveBlindAsync(key, new SessionChangeSet
                {
                    Now = T0,
                    SetValues = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["n"] = next },
                    ExpectedValues = new Dictionary<string, byte[]?>(StringComparer.Ordinal) { ["n"] = read },
                }, long.MaxValue).ConfigureAwait(false)).Outcome;
                Assert.True(outcome is SessionWriteOutcome.Applied or SessionWriteOutcome.Conflict, outcome.ToString());
                applied += outcome == SessionWriteOutcome.Applied ? 1 : 0;
            }

            return applied;
        })));

        var stored = await LoadAsync(key, T0);
        Assert.Equal(acknowledged.Sum(), BitConverter.ToInt32(stored!.Values["n"]));
        Assert.InRange(acknowledged.Sum(), 1, writers * attempts);
        Assert.Equal(1000, stored.Values["big"].Length);
    }
}
