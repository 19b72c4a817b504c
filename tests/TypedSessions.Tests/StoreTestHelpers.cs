using TypedSessions.Ids;
using TypedSessions.Storage;

namespace TypedSessions.Tests;

/// <summary>
/// Helpers for the store-specific tests of the Memory and File stores. What every <see cref="ISessionStore"/>
/// must do is the conformance kit's (src/TypedSessions.Testing), which tests/TypedSessions.Testing.Tests runs on
/// both stores.
/// </summary>
public abstract class StoreTestHelpers
{
    protected static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    protected abstract ISessionStore Store { get; }

    protected static string NewKey() => SessionId.New().StoreKey;

    protected static SessionLifetime DefaultLifetime(DateTimeOffset createdAt)
        => SessionLifetime.Compute(SessionExpiryMode.Default, createdAt, createdAt, Idle, TimeSpan.FromHours(8));

    protected static SessionRecord NewRecord(DateTimeOffset? createdAt = null, string? userKey = null, params (string Key, byte Value)[] values)
    {
        var at = createdAt ?? T0;
        return new SessionRecord(
            values.ToDictionary(v => v.Key, v => new[] { v.Value }, StringComparer.Ordinal),
            at,
            DefaultLifetime(at),
            1,
            userKey);
    }

    protected static SessionChangeSet Set(DateTimeOffset now, params (string Key, byte Value)[] values) => new()
    {
        Now = now,
        SetValues = values.ToDictionary(v => v.Key, v => new[] { v.Value }, StringComparer.Ordinal),
    };

    protected async Task<SessionRecord?> LoadAsync(string key, DateTimeOffset? now = null)
        => (await Store.LoadAsync(key, new SessionLoadRequest(now ?? T0, null))).Record;

    protected static void AssertValues(SessionRecord? record, params (string Key, byte Value)[] expected)
    {
        Assert.NotNull(record);
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), record.Values.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(new[] { value }, record.Values[key]);
        }
    }

    protected static void AssertMonotonic(IReadOnlyList<SessionCleanupProgress> reports)
    {
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Deleted >= reports[i - 1].Deleted, $"progress went back from {reports[i - 1].Deleted} to {reports[i].Deleted}");
        }
    }

    /// <summary>Records reports synchronously (unlike <see cref="Progress{T}"/>, which posts them).</summary>
    protected sealed class ProgressLog : IProgress<SessionCleanupProgress>
    {
        private readonly List<SessionCleanupProgress> _reports = [];

        public IReadOnlyList<SessionCleanupProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(SessionCleanupProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
