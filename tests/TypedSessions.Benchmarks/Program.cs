using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TypedSessions.Benchmarks;

if (args is ["sizes"])
{
    var (typed, builtIn) = SerializationBenchmarks.PayloadSizes();
    Console.WriteLine($"typical session payload: TypedSessions {typed} bytes, Microsoft.AspNetCore.Session {builtIn} bytes");
    return 0;
}

if (args is ["memory-at-rest", ..])
{
    return await MemoryAtRest.RunAsync(args);
}

if (args is ["cleanup-load", .. var cleanupArgs])
{
    return await CleanupLoad.RunAsync(cleanupArgs);
}

// InProcessEmitToolchain avoids generating and building a project per benchmark run.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(SessionFactory).Assembly).Run(args, config);
return 0;
