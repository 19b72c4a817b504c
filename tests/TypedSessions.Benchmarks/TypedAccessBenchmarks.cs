using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Session;

namespace TypedSessions.Benchmarks;

/// <summary>Reads and writes on a loaded session: TypedSessions' typed access against the built-in ISession.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TypedAccessBenchmarks
{
    private Session _typed = null!;
    private BenchSession _schema = null!;
    private DistributedSession _builtIn = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _typed = SessionFactory.Typed(TypicalSession.Record(SessionFactory.Coordinator.Environment.Codec.Options));
        _ = _typed.Get<string>("username");
        _ = _typed.Get<int?>("uid");
        _schema = _typed.As<BenchSession>();
        _ = _schema.Username;
        _ = _schema.UserId;

        var cache = SessionFactory.NewCache();
        var writer = SessionFactory.BuiltIn(cache, "bench", isNew: true);
        TypicalSession.WriteBuiltIn(writer);
        await writer.CommitAsync();
        _builtIn = SessionFactory.BuiltIn(cache, "bench", isNew: false);
        await _builtIn.LoadAsync();
    }

    [Benchmark(Description = "TypedSessions Get<string> (cached)")]
    [BenchmarkCategory("read string")]
    public string? TypedReadString() => _typed.Get<string>("username");

    [Benchmark(Description = "schema.Username (generated, cached)")]
    [BenchmarkCategory("read string")]
    public string? SchemaReadString() => _schema.Username;

    [Benchmark(Baseline = true, Description = "ISession.GetString")]
    [BenchmarkCategory("read string")]
    public string? BuiltInGetString() => _builtIn.GetString("username");

    [Benchmark(Description = "TypedSessions Get<int?> (cached)")]
    [BenchmarkCategory("read int")]
    public int? TypedReadInt() => _typed.Get<int?>("uid");

    [Benchmark(Description = "schema.UserId (generated, cached)")]
    [BenchmarkCategory("read int")]
    public int? SchemaReadInt() => _schema.UserId;

    [Benchmark(Baseline = true, Description = "ISession.GetInt32")]
    [BenchmarkCategory("read int")]
    public int? BuiltInGetInt32() => _builtIn.GetInt32("uid");

    [Benchmark(Description = "TypedSessions Set<string>")]
    [BenchmarkCategory("write string")]
    public void TypedWriteString() => _typed.Set("displayName", "Bob the Builder");

    [Benchmark(Description = "schema.Username = (generated)")]
    [BenchmarkCategory("write string")]
    public void SchemaWriteString() => _schema.Username = "Bob the Builder";

    [Benchmark(Baseline = true, Description = "ISession.SetString")]
    [BenchmarkCategory("write string")]
    public void BuiltInSetString() => _builtIn.SetString("displayName", "Bob the Builder");

    [Benchmark(Description = "TypedSessions Set<int>")]
    [BenchmarkCategory("write int")]
    public void TypedWriteInt() => _typed.Set("uid", 7);

    [Benchmark(Baseline = true, Description = "ISession.SetInt32")]
    [BenchmarkCategory("write int")]
    public void BuiltInSetInt32() => _builtIn.SetInt32("uid", 7);
}
