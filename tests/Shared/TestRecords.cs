using System.Security.Cryptography;
using TypedSessions.Storage;

namespace TypedSessions.TestSupport;

/// <summary>Store keys, records and a synchronous progress sink for store-level tests (linked into the store test projects).</summary>
internal static class TestRecords
{
    /// <summary>A random store key (64 lowercase hex characters, as the SHA-256 of an id).</summary>
    public static string Key() => Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));

    /// <summary>A session created at <paramref name="createdAt"/> with a 20-minute idle timeout (it expires at createdAt + 20 min) and an 8-hour cap.</summary>
    public static SessionRecord Record(DateTimeOffset createdAt, params (string Key, byte[] Value)[] values)
        => new(
            values.ToDictionary(v => v.Key, v => v.Value),
            createdAt,
            SessionLifetime.Compute(SessionExpiryMode.Default, createdAt, createdAt, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));

    /// <summary>Reports progress on the caller's thread (<see cref="Progress{T}"/> would post it later).</summary>
    public sealed class SyncProgress(Action<SessionCleanupProgress> report) : IProgress<SessionCleanupProgress>
    {
        public void Report(SessionCleanupProgress value) => report(value);
    }
}
