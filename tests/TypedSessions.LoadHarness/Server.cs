using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;

namespace TypedSessions.LoadHarness;

/// <summary>
/// One app serving equivalent endpoints on TypedSessions (<c>/ts/…</c>) and on
/// Microsoft.AspNetCore.Session (<c>/ms/…</c>) over the same backend. Cases:
/// <c>none</c> and <c>untouched</c> never ask for the session, <c>read</c> reads one string,
/// <c>write</c> increments one int. For the size-scaling run, <c>pad?bytes=N</c> stores N random bytes under one key and
/// <c>set1</c> writes one other key without reading it (TypedSessions: a blind write, no load); <c>read1</c> reads one key
/// and <c>read1w</c> increments one, TypedSessions loading only that key (<see cref="Session.LoadKeysAsync(IEnumerable{string}, CancellationToken)"/>),
/// the built-in the whole session as it must. <c>/stats</c> returns the backend call counters.
/// </summary>
internal static class Server
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var backend = builder.Configuration["backend"] ?? "memory";
        var redis = builder.Configuration["redis"];
        var counters = new BackendCounters();
        builder.Services.AddSingleton(counters);

        // TypedSessions: on-demand loading, so a request that never asks for its session costs no store call.
        var sessions = builder.Services.AddTypedSessions(o =>
        {
            o.LoadMode = SessionLoadMode.OnDemand;
            o.CleanupInterval = TimeSpan.Zero;
            o.Store = "Counting";
        });
        Backends.AddTypedSessionsBackend(sessions, backend, builder.Configuration);
        sessions.AddStore("Counting", sp => new CountingStore(Backends.TypedSessionsStore(sp, backend), counters));

        // The built-in session over the equivalent IDistributedCache.
        Backends.AddDistributedCache(builder.Services, backend, redis);
        builder.Services.Decorate(counters);
        builder.Services.AddSession(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.Cookie.Name = "ms";
        });

        var app = builder.Build();
        // The fourth number: methods the JIT has compiled so far (all tiers); it keeps growing while tiered compilation
        // is still optimizing the hot paths, so the driver can tell a warm server from a cold one.
        app.MapGet("/stats", (BackendCounters c) => $"{c.TypedSessions} {c.BuiltIn} {c.Conflicts} {System.Runtime.JitInfo.GetCompiledMethodCount()}");

        // Bytes between TypedSessions and its store, for the size-scaling run on PostgreSQL and SQLite (Redis counts its own).
        var storeBytes = new StoreBytes();
        app.MapGet("/store-bytes", (IServiceProvider services) => storeBytes.ReadAsync(backend, services));
        app.Map("/ts", ts =>
        {
            // wrk only counts non-2xx answers: the 409s of conflict detection are counted here so the driver can tell them from errors.
            ts.Use(async (context, next) =>
            {
                await next(context);
                if (context.Response.StatusCode == StatusCodes.Status409Conflict)
                {
                    counters.CountConflict();
                }
            });
            ts.UseTypedSessions();
            ts.Run(async context =>
            {
                switch (context.Request.Path.Value)
                {
                    case "/read":
                        var read = await context.LoadSessionAsync(context.RequestAborted);
                        await context.Response.WriteAsync(read.Get<string>("name") ?? "-");
                        break;
                    case "/read1":
                        // Size scaling: the same read, loading only the key it reads (Session.LoadKeysAsync).
                        var some = context.GetSession();
                        await some.LoadKeysAsync(["name"], context.RequestAborted);
                        await context.Response.WriteAsync(some.Get<string>("name") ?? "-");
                        break;
                    case "/read1w":
                        // Size scaling: a read-modify-write of one key, loading only that key.
                        var counted = context.GetSession();
                        await counted.LoadKeysAsync(["counter"], context.RequestAborted);
                        var count = counted.Get<int>("counter") + 1;
                        counted.Set("counter", count);
                        await context.Response.WriteAsync(count.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "/pad":
                        // Size scaling: one value of ?bytes=N random bytes, so the session weighs about N bytes.
                        var padded = await context.LoadSessionAsync(context.RequestAborted);
                        padded.Set("pad", Pad(context));
                        await context.Response.WriteAsync("ok");
                        break;
                    case "/set1":
                        // Size scaling: one key written without reading it (the same for every session size). A blind
                        // write: no load, one store call that merges the key and checks the size limit in the store.
                        context.GetSession().Set("name", Guid.NewGuid().ToString("N"));
                        await context.Response.WriteAsync("ok");
                        break;
                    case "/write":
                        var session = await context.LoadSessionAsync(context.RequestAborted);
                        var next = session.Get<int>("counter") + 1;
                        session.Set("name", "alice");
                        session.Set("counter", next);
                        await context.Response.WriteAsync(next.ToString(CultureInfo.InvariantCulture));
                        break;
                    default:
                        await context.Response.WriteAsync("ok");
                        break;
                }
            });
        });
        app.Map("/ms", ms =>
        {
            ms.UseSession();
            ms.Run(async context =>
            {
                switch (context.Request.Path.Value)
                {
                    case "/read":
                    case "/read1":
                        await context.Session.LoadAsync(context.RequestAborted);
                        await context.Response.WriteAsync(context.Session.GetString("name") ?? "-");
                        break;
                    case "/read1w":
                        await context.Session.LoadAsync(context.RequestAborted);
                        var count = (context.Session.GetInt32("counter") ?? 0) + 1;
                        context.Session.SetInt32("counter", count);
                        await context.Response.WriteAsync(count.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "/pad":
                        await context.Session.LoadAsync(context.RequestAborted);
                        context.Session.Set("pad", Pad(context));
                        await context.Response.WriteAsync("ok");
                        break;
                    case "/set1":
                        await context.Session.LoadAsync(context.RequestAborted);
                        context.Session.SetString("name", Guid.NewGuid().ToString("N"));
                        await context.Response.WriteAsync("ok");
                        break;
                    case "/write":
                        await context.Session.LoadAsync(context.RequestAborted);
                        var next = (context.Session.GetInt32("counter") ?? 0) + 1;
                        context.Session.SetString("name", "alice");
                        context.Session.SetInt32("counter", next);
                        await context.Response.WriteAsync(next.ToString(CultureInfo.InvariantCulture));
                        break;
                    default:
                        await context.Response.WriteAsync("ok");
                        break;
                }
            });
        });
        await app.RunAsync();
    }

    private static byte[] Pad(HttpContext context)
        => System.Security.Cryptography.RandomNumberGenerator.GetBytes(int.Parse(context.Request.Query["bytes"].ToString(), CultureInfo.InvariantCulture));

    private static void Decorate(this IServiceCollection services, BackendCounters counters)
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(IDistributedCache));
        services.Remove(descriptor);
        services.AddSingleton<IDistributedCache>(sp => new CountingCache(
            descriptor.ImplementationInstance as IDistributedCache
                ?? (IDistributedCache)(descriptor.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!)),
            counters));
    }
}
