using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSessions.Storage;
using TypedSessions.Storage.Memory;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.HealthChecks;

/// <summary><c>AddHealthChecks().AddTypedSessionsStore()</c> through <c>MapHealthChecks</c> on the built-in stores and on test stores.</summary>
public sealed class StoreHealthCheckTests
{
    // Far above any timeout the tests set, far below "hangs for ever": a check that waited for the store would show.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(15); // far below the probes' one-minute hangs

    [Fact]
    public async Task The_memory_store_is_healthy_and_the_answer_names_it()
    {
        await using var app = await HealthApp.StartAsync();
        using var client = app.CreateClient();

        var answer = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, answer.Code);
        Assert.Equal("Healthy", answer.Status);
        Assert.Equal("The session store Memory answered its health probe.", answer.Description);
        Assert.Equal("Memory", answer.Data["store"]);
        Assert.Equal(nameof(MemorySessionStore), answer.Data["storeType"]);
        Assert.Equal("store", answer.Data["probe"]);
        Assert.False(answer.SetCookie);
    }

    [Fact]
    public async Task The_file_store_is_healthy_when_its_folder_can_be_created_and_written_and_leaves_no_probe_file_behind()
    {
        var root = Path.Combine(Path.GetTempPath(), "ts-health-" + Guid.NewGuid().ToString("N")[..10]);
        var folder = Path.Combine(root, "not", "there", "yet");
        try
        {
            await using var app = await HealthApp.StartAsync(stores: s => s.AddFileStore(o => o.Folder = folder));
            using var client = app.CreateClient();

            var answer = await HealthAnswer.GetAsync(client);

            Assert.Equal(HttpStatusCode.OK, answer.Code);
            Assert.Equal("File", answer.Data["store"]);
            Assert.True(Directory.Exists(folder));
            Assert.Empty(Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_file_store_is_unhealthy_when_its_folder_cannot_be_created_and_says_why()
    {
        // Root ignores permissions, so the folder is made impossible instead: a path under a regular file.
        var file = Path.GetTempFileName();
        try
        {
            await using var app = await HealthApp.StartAsync(stores: s => s.AddFileStore(o => o.Folder = Path.Combine(file, "sessions")));
            using var client = app.CreateClient();

            var answer = await HealthAnswer.GetAsync(client);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
            Assert.Equal("Unhealthy", answer.Status);
            Assert.StartsWith($"The session store File failed its health probe: The session folder {Path.Combine(file, "sessions")} cannot be written: ", answer.Description, StringComparison.Ordinal);
            Assert.Equal(nameof(SessionStoreException), answer.Exception);
            Assert.Equal("File", answer.Data["store"]);
            Assert.False(answer.SetCookie);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_file_store_is_probed_on_every_request_and_turns_unhealthy_when_its_folder_goes()
    {
        var root = Path.Combine(Path.GetTempPath(), "ts-health-" + Guid.NewGuid().ToString("N")[..10]);
        var folder = Path.Combine(root, "sessions");
        try
        {
            await using var app = await HealthApp.StartAsync(stores: s => s.AddFileStore(o => o.Folder = folder));
            using var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await HealthAnswer.GetAsync(client)).Code);

            Directory.Delete(root, recursive: true);
            await File.WriteAllTextAsync(root, "a file where the folder's parent was");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await HealthAnswer.GetAsync(client)).Code);
        }
        finally
        {
            if (File.Exists(root))
            {
                File.Delete(root);
            }
            else if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_distributed_cache_store_is_healthy_with_a_working_cache_and_unhealthy_with_a_failing_one()
    {
        await using (var app = await HealthApp.StartAsync(stores: s => s.AddDistributedCacheStore(), services: s => s.AddDistributedMemoryCache()))
        {
            using var client = app.CreateClient();
            var answer = await HealthAnswer.GetAsync(client);
            Assert.Equal(HttpStatusCode.OK, answer.Code);
            Assert.Equal("DistributedCache", answer.Data["store"]);
            Assert.Equal("store", answer.Data["probe"]);
        }

        await using (var app = await HealthApp.StartAsync(stores: s => s.AddDistributedCacheStore(), services: s => s.AddSingleton<IDistributedCache, FailingCache>()))
        {
            using var client = app.CreateClient();
            var answer = await HealthAnswer.GetAsync(client);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
            Assert.Equal("The session store DistributedCache failed its health probe: the cache is down", answer.Description);
            Assert.Equal(1, FailingCache.Gets(app.Services));
        }
    }

    [Fact]
    public async Task The_encrypted_cookie_is_healthy_and_says_there_is_no_store_to_probe()
    {
        await using var app = await HealthApp.StartAsync(
            stores: s => s.AddCookieStore(),
            services: s => s.AddDataProtection().UseEphemeralDataProtectionProvider());
        using var client = app.CreateClient();
        await client.PostAsync("/write");
        Assert.NotNull(client.Cookie);

        var answer = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, answer.Code);
        Assert.Equal("Healthy", answer.Status);
        Assert.Contains("encrypted cookie", answer.Description, StringComparison.Ordinal);
        Assert.Contains("nothing is stored on the server", answer.Description, StringComparison.Ordinal);
        Assert.Equal("Cookie", answer.Data["store"]);
        Assert.Equal("none", answer.Data["probe"]);
        Assert.False(answer.SetCookie);
    }

    [Fact]
    public async Task A_probe_slower_than_the_timeout_is_unhealthy_within_the_timeout()
    {
        var store = new ProbedStore { ClaimsNeverBlocksCaller = true, Probe = _ => new ValueTask(Task.Delay(TimeSpan.FromMinutes(1), CancellationToken.None)) };
        await using var app = await HealthApp.StartAsync(
            stores: s => s.AddStore("Slow", _ => store),
            health: h => h.AddTypedSessionsStore(timeout: TimeSpan.FromMilliseconds(300)));
        using var client = app.CreateClient();

        var clock = Stopwatch.StartNew();
        var answer = await HealthAnswer.GetAsync(client);

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), Generous);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
        Assert.Equal("The session store Slow did not answer its health probe within 00:00:00.3000000.", answer.Description);
        Assert.Equal(nameof(TimeoutException), answer.Exception);
        Assert.Equal(1, store.Probes);
    }

    [Fact]
    public async Task A_probe_that_blocks_its_caller_is_still_bounded_by_the_timeout()
    {
        using var release = new ManualResetEventSlim();
        var store = new ProbedStore { Probe = _ => { release.Wait(TimeSpan.FromMinutes(1), CancellationToken.None); return ValueTask.CompletedTask; } };
        await using var app = await HealthApp.StartAsync(
            stores: s => s.AddStore("Blocking", _ => store),
            health: h => h.AddTypedSessionsStore(timeout: TimeSpan.FromMilliseconds(300)));
        using var client = app.CreateClient();

        var clock = Stopwatch.StartNew();
        var answer = await HealthAnswer.GetAsync(client);
        release.Set();

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), Generous);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
        Assert.Contains("did not answer its health probe within", answer.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_timeout_of_its_own_the_check_waits_the_store_timeout_and_cancels_the_probe()
    {
        var cancelled = new TaskCompletionSource();
        var store = new ProbedStore
        {
            Probe = async ct =>
            {
                await using var registration = ct.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            },
        };
        await using var app = await HealthApp.StartAsync(stores: s => s.AddStore("Slow", _ => store), options: o => o.StoreTimeout = TimeSpan.FromMilliseconds(400));
        using var client = app.CreateClient();

        var answer = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
        Assert.Equal("The session store Slow did not answer its health probe within 00:00:00.4000000.", answer.Description);
        await cancelled.Task.WaitAsync(Generous);
    }

    [Fact]
    public async Task A_failing_probe_is_unhealthy_with_its_message_and_the_next_answer_follows_the_store()
    {
        var store = new ProbedStore { Probe = _ => throw new InvalidOperationException("backend is down") };
        await using var app = await HealthApp.StartAsync(stores: s => s.AddStore("Custom", _ => store));
        using var client = app.CreateClient();

        var down = await HealthAnswer.GetAsync(client);
        store.Probe = _ => ValueTask.CompletedTask;
        var up = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Code);
        Assert.Equal("The session store Custom failed its health probe: backend is down", down.Description);
        Assert.Equal(nameof(InvalidOperationException), down.Exception);
        Assert.Equal(nameof(ProbedStore), down.Data["storeType"]);
        Assert.Equal(HttpStatusCode.OK, up.Code);
        Assert.Equal(2, store.Probes);
    }

    [Fact]
    public async Task The_failure_status_can_be_degraded()
    {
        var store = new ProbedStore { Probe = _ => throw new InvalidOperationException("backend is down") };
        await using var app = await HealthApp.StartAsync(
            stores: s => s.AddStore("Custom", _ => store),
            health: h => h.AddTypedSessionsStore(failureStatus: HealthStatus.Degraded));
        using var client = app.CreateClient();

        var answer = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, answer.Code);
        Assert.Equal("Degraded", answer.Status);
        Assert.Equal("The session store Custom failed its health probe: backend is down", answer.Description);
    }

    [Fact]
    public async Task A_store_without_a_probe_of_its_own_answers_a_load_of_a_key_no_session_has()
    {
        var store = new InstrumentedStore(new MemorySessionStore());
        await using var app = await HealthApp.StartAsync(stores: s => s.AddStore("Wrapped", _ => store));
        using var client = app.CreateClient();

        var healthy = await HealthAnswer.GetAsync(client);
        store.FailOn = "load";
        var failing = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, healthy.Code);
        Assert.Equal("load", healthy.Data["probe"]);
        Assert.Contains("answered a load (it has no health probe of its own", healthy.Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.Code);
        Assert.StartsWith("The session store Wrapped failed its health probe: ", failing.Description, StringComparison.Ordinal);
        Assert.Equal(2, store.Calls("load"));
        Assert.Equal(2, store.TotalCalls);
    }

    [Fact]
    public async Task A_store_that_cannot_be_created_is_unhealthy_and_the_check_does_not_throw()
    {
        // UseTypedSessions() creates the store at startup, so only an app without the middleware (a worker's health port) gets here.
        await using var app = await HealthApp.StartAsync(stores: s => s.AddStore("Broken", _ => throw new InvalidOperationException("no connection string")), useTypedSessions: false);
        using var client = app.CreateClient();

        var answer = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
        Assert.Equal("The session store Broken could not be created: no connection string", answer.Description);
        Assert.Equal("Broken", answer.Data["store"]);
    }

    [Fact]
    public async Task Without_AddTypedSessions_the_check_is_unhealthy_and_says_so()
    {
        await using var app = await HealthApp.StartAsync(addTypedSessions: false);
        using var client = app.CreateClient();

        var answer = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
        Assert.Contains("AddTypedSessions()", answer.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_endpoint_sets_no_cookie_and_does_no_session_io_even_with_a_session_cookie()
    {
        var store = new ProbedStore();
        await using var app = await HealthApp.StartAsync(stores: s => s.AddStore("Custom", _ => store));
        using var client = app.CreateClient();
        await client.PostAsync("/write");
        var cookie = client.Cookie;
        Assert.NotNull(cookie);
        var sessionCalls = store.SessionCalls;

        var withCookie = await HealthAnswer.GetAsync(client);
        client.Cookie = "not-a-session-id";
        var withGarbage = await HealthAnswer.GetAsync(client);

        Assert.Equal(HttpStatusCode.OK, withCookie.Code);
        Assert.Equal(HttpStatusCode.OK, withGarbage.Code);
        Assert.False(withCookie.SetCookie);
        Assert.False(withGarbage.SetCookie);
        Assert.Equal(sessionCalls, store.SessionCalls);
        Assert.Equal(2, store.Probes);
    }

    [Fact]
    public async Task A_named_tagged_registration_is_filtered_like_any_health_check()
    {
        await using var app = await HealthApp.StartAsync(health: h => h.AddTypedSessionsStore(name: "sessions", tags: ["ready"]));

        var registration = Assert.Single(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal("sessions", registration.Name);
        Assert.Equal(["ready"], registration.Tags);
        Assert.Equal(HealthStatus.Unhealthy, registration.FailureStatus);
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Healthy, report.Entries["sessions"].Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_timeout_that_is_not_positive_is_refused(int milliseconds)
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddTypedSessionsStore(timeout: TimeSpan.FromMilliseconds(milliseconds)));
    }

    private sealed class FailingCache : IDistributedCache
    {
        private int _gets;

        public static int Gets(IServiceProvider services) => ((FailingCache)services.GetRequiredService<IDistributedCache>())._gets;

        public byte[]? Get(string key) => throw new InvalidOperationException("the cache is down");

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            Interlocked.Increment(ref _gets);
            throw new InvalidOperationException("the cache is down");
        }

        public void Refresh(string key) => throw new InvalidOperationException("the cache is down");

        public Task RefreshAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("the cache is down");

        public void Remove(string key) => throw new InvalidOperationException("the cache is down");

        public Task RemoveAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("the cache is down");

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new InvalidOperationException("the cache is down");

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => throw new InvalidOperationException("the cache is down");
    }
}
