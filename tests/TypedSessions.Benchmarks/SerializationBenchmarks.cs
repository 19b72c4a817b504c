using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MessagePack;
using Microsoft.Extensions.Caching.Distributed;
using TypedSessions.Storage;

namespace TypedSessions.Benchmarks;

/// <summary>
/// Encoding and decoding a typical session (10 keys): the TypedSessions envelope (values encoded per
/// key with MessagePack) against the built-in session's own format, driven through its public API
/// (Set*/CommitAsync into a cache that only keeps the bytes; LoadAsync/Get* back out).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializationBenchmarks
{
    private readonly MessagePackSerializerOptions _options = SessionFactory.Coordinator.Environment.Codec.Options;
    private readonly ByteCache _cache = new();
    private SessionRecord _record = null!;
    private byte[] _envelope = null!;

    /// <summary>Bytes of the typical session in each format (what a store keeps).</summary>
    public static (int TypedSessions, int BuiltIn) PayloadSizes()
    {
        var bench = new SerializationBenchmarks();
        bench.Setup();
        bench.BuiltInSerialize();
        return (bench._envelope.Length, bench._cache.Bytes!.Length);
    }

    [GlobalSetup]
    public void Setup()
    {
        _record = TypicalSession.Record(_options);
        _envelope = SessionEnvelope.Serialize(_record);
    }

    [Benchmark(Description = "TypedSessions encode values + envelope")]
    [BenchmarkCategory("serialize")]
    public byte[] TypedSerialize()
    {
        var values = new Dictionary<string, byte[]>(11, StringComparer.Ordinal);
        foreach (var (key, value) in TypicalSession.Strings)
        {
            values[key] = MessagePackSerializer.Serialize(value, _options);
        }

        values["uid"] = MessagePackSerializer.Serialize(TypicalSession.UserId, _options);
        values["cart"] = MessagePackSerializer.Serialize(TypicalSession.Cart, _options);
        return SessionEnvelope.Serialize(new SessionRecord(values, _record.CreatedAt, _record.Lifetime));
    }

    [Benchmark(Baseline = true, Description = "built-in Set* + CommitAsync")]
    [BenchmarkCategory("serialize")]
    public byte[] BuiltInSerialize()
    {
        var session = SessionFactory.BuiltIn(_cache, "bench", isNew: true);
        TypicalSession.WriteBuiltIn(session);
        session.CommitAsync().GetAwaiter().GetResult();
        return _cache.Bytes!;
    }

    [Benchmark(Description = "TypedSessions envelope + decode values")]
    [BenchmarkCategory("deserialize")]
    public int TypedDeserialize()
    {
        var record = SessionEnvelope.Deserialize(_envelope);
        var total = 0;
        foreach (var (key, _) in TypicalSession.Strings)
        {
            total += MessagePackSerializer.Deserialize<string>(record.Values[key], _options).Length;
        }

        total += MessagePackSerializer.Deserialize<int>(record.Values["uid"], _options);
        total += MessagePackSerializer.Deserialize<List<CartLine>>(record.Values["cart"], _options).Count;
        return total;
    }

    [Benchmark(Baseline = true, Description = "built-in LoadAsync + Get*")]
    [BenchmarkCategory("deserialize")]
    public int BuiltInDeserialize()
    {
        if (_cache.Bytes is null)
        {
            BuiltInSerialize();
        }

        var session = SessionFactory.BuiltIn(_cache, "bench", isNew: false);
        session.LoadAsync().GetAwaiter().GetResult();
        return TypicalSession.ReadBuiltIn(session);
    }

    /// <summary>An IDistributedCache that only keeps the last bytes written, so the benchmark measures the format, not a cache.</summary>
    private sealed class ByteCache : IDistributedCache
    {
        public byte[]? Bytes { get; private set; }

        public byte[]? Get(string key) => Bytes;

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Bytes);

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => Bytes = null;

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Bytes = null;
            return Task.CompletedTask;
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Bytes = value;

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Bytes = value;
            return Task.CompletedTask;
        }
    }
}
