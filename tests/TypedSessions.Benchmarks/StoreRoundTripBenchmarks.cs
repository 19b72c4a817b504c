using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MessagePack;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using TypedSessions.PostgreSql;
using TypedSessions.Redis;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.TestSupport;

namespace TypedSessions.Benchmarks;

/// <summary>
/// One request's worth of store work on real backends: load a typical session (10 keys), then save a
/// change of one key. Needs TYPEDSESSIONS_TEST_POSTGRES and TYPEDSESSIONS_TEST_REDIS (tests/run-all.sh
/// starts both; see docs/benchmarks.md for the command). On Redis the built-in session does the same
/// work through AddStackExchangeRedisCache for comparison.
/// </summary>
[MemoryDiagnoser]
public class StoreRoundTripBenchmarks
{
    private readonly MessagePackSerializerOptions _options = SessionFactory.Coordinator.Environment.Codec.Options;
    private readonly string _key = Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));
    private ISessionStore _store = null!;
    private RedisCache? _redisCache;
    private string _folder = null!;

    [Params("Sqlite", "PostgreSql", "Redis")]
    public string Store { get; set; } = "Sqlite";

    [GlobalSetup]
    public async Task Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "ts-bench-" + Guid.NewGuid().ToString("N"));
        _store = Store switch
        {
            "Sqlite" => new SqliteSessionStore(Options.Create(new SqliteSessionStoreOptions
            {
                ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "sessions.db") }.ToString(),
            })),
            "PostgreSql" => new PostgreSqlSessionStore(Options.Create(new PostgreSqlSessionStoreOptions { ConnectionString = TestServers.Postgres })),
            _ => new RedisSessionStore(Options.Create(new RedisSessionStoreOptions { ConnectionString = TestServers.Redis })),
        };
        var record = TypicalSession.Record(_options);
        var now = DateTimeOffset.UtcNow;
        await _store.CreateAsync(_key, new SessionRecord(record.Values, now, SessionLifetime.Compute(SessionExpiryMode.Default, now, now, TimeSpan.FromHours(1), TimeSpan.FromHours(8))));
        if (Store == "Redis")
        {
            _redisCache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = TestServers.Redis }));
            var writer = SessionFactory.BuiltIn(_redisCache, _key, isNew: true);
            TypicalSession.WriteBuiltIn(writer);
            await writer.CommitAsync();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_store as IDisposable)?.Dispose();
        _redisCache?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Benchmark(Description = "TypedSessions load + save one key")]
    public async Task<SessionWriteOutcome> LoadAndSave()
    {
        var now = DateTimeOffset.UtcNow;
        var loaded = await _store.LoadAsync(_key, new SessionLoadRequest(now, 0.25));
        var next = MessagePackSerializer.Deserialize<int>(loaded.Record!.Values["uid"], _options) + 1;
        return await _store.SaveAsync(_key, new SessionChangeSet
        {
            Now = now,
            SetValues = new Dictionary<string, byte[]> { ["uid"] = MessagePackSerializer.Serialize(next, _options) },
        });
    }

    /// <summary>The same read-modify-write with conflict detection (the default): the save carries the value it read and the store compares it.</summary>
    [Benchmark(Description = "TypedSessions load + save one key, conflict-checked")]
    public async Task<SessionWriteOutcome> LoadAndCheckedSave()
    {
        var now = DateTimeOffset.UtcNow;
        var loaded = await _store.LoadAsync(_key, new SessionLoadRequest(now, 0.25));
        var read = loaded.Record!.Values["uid"];
        var next = MessagePackSerializer.Deserialize<int>(read, _options) + 1;
        return await _store.SaveAsync(_key, new SessionChangeSet
        {
            Now = now,
            SetValues = new Dictionary<string, byte[]> { ["uid"] = MessagePackSerializer.Serialize(next, _options) },
            ExpectedValues = new Dictionary<string, byte[]?> { ["uid"] = read },
        });
    }

    [Benchmark(Description = "built-in (RedisCache) load + save one key")]
    public async Task<int> BuiltInLoadAndSave()
    {
        if (_redisCache is null)
        {
            return 0;
        }

        var session = SessionFactory.BuiltIn(_redisCache, _key, isNew: false);
        await session.LoadAsync();
        var next = (session.GetInt32("uid") ?? 0) + 1;
        session.SetInt32("uid", next);
        await session.CommitAsync();
        return next;
    }
}
