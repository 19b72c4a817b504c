using TypedSessions.TestSupport;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSessions.AspNetCore;
using T = TypedSessions.TypedSessionsTelemetry;

namespace TypedSessions.Tests.Integration;

/// <summary>The telemetry docs/observability.md lists, read through real listeners during real HTTP requests.</summary>
public sealed class TelemetryListenerTests
{
    [Fact]
    public async Task Successful_requests_report_store_calls_sizes_and_spans_with_conventional_names()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var telemetry = new TelemetryCapture(app);
        using var client = telemetry.CreateClient();

        await client.PostAsync("/set?key=name&value=alice");
        Assert.Equal("alice", await client.GetStringAsync("/read?key=name"));
        await client.PostAsync("/cycle");
        var cycled = client.Cookie;
        await client.PostAsync("/flush");
        client.Cookie = cycled;
        await client.GetAsync("/read?key=name"); // the flushed id: a tombstone, counted as superseded

        var operations = telemetry.Of(T.Instruments.StoreOperations);
        foreach (var operation in new[] { T.Operations.Create, T.Operations.Load, T.Operations.Cycle, T.Operations.End })
        {
            Assert.Contains(operations, m => m.Tag(T.Attributes.Operation) == operation && m.Tag(T.Attributes.Outcome) == T.Outcomes.Ok);
        }

        Assert.All(operations, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal(nameof(InstrumentedStore), m.Tag(T.Attributes.Store));
            Assert.False(m.Tags.ContainsKey(T.Attributes.ErrorType), "error.type on a successful call");
            Assert.False(m.Tags.ContainsKey(T.Attributes.SessionIdHash), "a per-session value on a metric");
        });

        // One duration per counted call, with the same attributes.
        var durations = telemetry.Of(T.Instruments.StoreOperationDuration);
        Assert.Equal(operations.Count, durations.Count);
        Assert.Equal(
            operations.Select(m => $"{m.Tag(T.Attributes.Operation)}/{m.Tag(T.Attributes.Outcome)}").Order(),
            durations.Select(m => $"{m.Tag(T.Attributes.Operation)}/{m.Tag(T.Attributes.Outcome)}").Order());
        Assert.All(durations, m => Assert.InRange(m.Value, 0, 5));

        Assert.Contains(telemetry.Of(T.Instruments.SessionSize), m => m.Value > 0);
        var conflict = Assert.Single(telemetry.Of(T.Instruments.Conflicts));
        Assert.Equal(T.ConflictReasons.Superseded, conflict.Tag(T.Attributes.ConflictReason));

        var spans = telemetry.Spans.ToList();
        foreach (var name in new[] { T.Spans.Create, T.Spans.Load, T.Spans.Cycle, T.Spans.End })
        {
            var span = spans.First(a => a.OperationName == name);
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
            Assert.Equal(nameof(InstrumentedStore), span.GetTagItem(T.Attributes.Store));
            Assert.Equal(name[T.Spans.Prefix.Length..], span.GetTagItem(T.Attributes.Operation));
            Assert.Equal(12, ((string?)span.GetTagItem(T.Attributes.SessionIdHash))?.Length);
            Assert.Null(span.GetTagItem(T.Attributes.ErrorType));

            // A child of the request's span: the store call shows inside the request's trace.
            Assert.NotNull(span.Parent);
        }

        Assert.DoesNotContain(spans, a => a.Tags.Any(t => t.Value == client.Cookie || t.Value == cycled));
    }

    [Fact]
    public async Task Concurrent_requests_are_each_counted_and_traced_once()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var telemetry = new TelemetryCapture(app);
        const int Requests = 40;

        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var client = telemetry.CreateClient();
            await client.PostAsync($"/set?key=k&value={i}");
        }));

        Assert.Equal(Requests, telemetry.Of(T.Instruments.StoreOperations).Count(m => m.Tag(T.Attributes.Operation) == T.Operations.Create && m.Tag(T.Attributes.Outcome) == T.Outcomes.Ok));
        Assert.Equal(Requests, telemetry.Of(T.Instruments.StoreOperationDuration).Count(m => m.Tag(T.Attributes.Operation) == T.Operations.Create));
        Assert.Equal(Requests, telemetry.Spans.Count(a => a.OperationName == T.Spans.Create));
        Assert.Equal(Requests, telemetry.Spans.Where(a => a.OperationName == T.Spans.Create).Select(a => a.GetTagItem(T.Attributes.SessionIdHash)).Distinct().Count());
    }

    [Fact]
    public async Task A_failing_store_reports_error_type_on_the_measurements_and_an_error_span()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var telemetry = new TelemetryCapture(app);
        using var client = telemetry.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");

        app.Store.FailOn = T.Operations.Load;
        var response = await client.GetAsync("/read?key=name");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var errorType = typeof(Storage.SessionStoreException).FullName;
        var failed = Assert.Single(telemetry.Of(T.Instruments.StoreOperations), m => m.Tag(T.Attributes.Outcome) != T.Outcomes.Ok);
        Assert.Equal(T.Operations.Load, failed.Tag(T.Attributes.Operation));
        Assert.Equal(T.Outcomes.Error, failed.Tag(T.Attributes.Outcome));
        Assert.Equal(errorType, failed.Tag(T.Attributes.ErrorType));
        Assert.Contains(telemetry.Of(T.Instruments.StoreOperationDuration), m => m.Tag(T.Attributes.ErrorType) == errorType);
        Assert.Single(telemetry.Of(T.Instruments.Unavailable));

        var span = Assert.Single(telemetry.Spans, a => a.Status == ActivityStatusCode.Error);
        Assert.Equal(T.Spans.Load, span.OperationName);
        Assert.Equal(errorType, span.GetTagItem(T.Attributes.ErrorType));

        // The injected failure's message ("Injected load failure.") stays out of the span.
        Assert.DoesNotContain("Injected", span.StatusDescription ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(span.Tags, t => t.Value?.Contains("Injected", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_store_call_past_the_timeout_reports_error_type_timeout()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map, o => o.StoreTimeout = TimeSpan.FromMilliseconds(200));

        // The seed runs before the capture starts: on a loaded machine it can itself time out (and is retried), and
        // without a cookie the read below would not load at all.
        using var seed = app.CreateClient();
        await seed.SeedAsync();
        using var telemetry = new TelemetryCapture(app);
        using var client = telemetry.CreateClient();
        client.Cookie = seed.Cookie;

        app.Store.HangOn = T.Operations.Load;
        var response = await client.GetAsync("/read?key=name");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var failed = Assert.Single(telemetry.Of(T.Instruments.StoreOperationDuration), m => m.Tag(T.Attributes.Outcome) != T.Outcomes.Ok);
        Assert.Equal(T.Outcomes.Timeout, failed.Tag(T.Attributes.Outcome));
        Assert.Equal(T.ErrorTypes.Timeout, failed.Tag(T.Attributes.ErrorType));
        Assert.InRange(failed.Value, 0.15, 5);
        var span = Assert.Single(telemetry.Spans, a => a.Status == ActivityStatusCode.Error);
        Assert.Equal(T.ErrorTypes.Timeout, span.GetTagItem(T.Attributes.ErrorType));
    }

    [Fact]
    public async Task Revoking_a_user_is_traced_and_counted()
    {
        await using var app = await TestApp.StartAsync(web =>
        {
            Endpoints.Map(web);
            web.MapPost("/bind", (HttpContext c) =>
            {
                c.GetSession().BindUser("alice");
                return Results.NoContent();
            });
            web.MapPost("/revoke", async (HttpContext c) =>
            {
                await c.GetSession().RevokeUserSessionsAsync(c.RequestAborted);
                return Results.NoContent();
            });
        });
        using var telemetry = new TelemetryCapture(app);
        using var client = telemetry.CreateClient();
        await client.PostAsync("/bind");

        var response = await client.PostAsync("/revoke");

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        var revoke = Assert.Single(telemetry.Of(T.Instruments.StoreOperations), m => m.Tag(T.Attributes.Operation) == T.Operations.RevokeUser);
        Assert.Equal(T.Outcomes.Ok, revoke.Tag(T.Attributes.Outcome));
        var span = Assert.Single(telemetry.Spans, a => a.OperationName == T.Spans.RevokeUser);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(T.Operations.RevokeUser, span.GetTagItem(T.Attributes.Operation));
        Assert.Equal(nameof(InstrumentedStore), span.GetTagItem(T.Attributes.Store));
    }

    [Fact]
    public async Task The_encrypted_cookie_store_counts_its_cookie_reads_and_starts_no_span()
    {
        await using var app = await OptionsHost.StartAsync(
            new Dictionary<string, string?> { ["TypedSessions:Store"] = "Cookie" },
            stores: s => s.AddCookieStore());
        using var telemetry = new TelemetryCapture(app.Services, app.GetTestServer());
        using var client = telemetry.CreateClient();

        var set = await client.PostAsync("/set?value=v");
        Assert.True(set.IsSuccessStatusCode, set.StatusCode.ToString());
        Assert.Equal("v", await client.GetStringAsync("/read"));
        client.Cookie = "not-a-protected-payload";
        await client.GetAsync("/read");

        var reads = telemetry.Of(T.Instruments.StoreOperations);
        Assert.All(reads, m => Assert.Equal(nameof(Storage.Cookie.CookieSessionStore), m.Tag(T.Attributes.Store)));
        Assert.Contains(reads, m => m.Tag(T.Attributes.Operation) == T.Operations.Load && m.Tag(T.Attributes.Outcome) == T.Outcomes.Ok);
        var rejected = Assert.Single(reads, m => m.Tag(T.Attributes.Outcome) == T.Outcomes.Corrupt);
        Assert.Equal(T.ErrorTypes.Corrupt, rejected.Tag(T.Attributes.ErrorType));
        Assert.Equal(reads.Count, telemetry.Of(T.Instruments.StoreOperationDuration).Count);
        Assert.Empty(telemetry.Spans);
    }

    [Fact]
    public async Task Cleanup_counts_the_sessions_it_deletes()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var telemetry = new TelemetryCapture(app);
        using var client = telemetry.CreateClient();
        await client.PostAsync("/set?key=name&value=alice");
        app.Time.Advance(TimeSpan.FromHours(9));

        var cleanup = app.Services.GetServices<IHostedService>().OfType<SessionCleanupService>().Single();
        var deleted = await cleanup.RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal(1, Assert.Single(telemetry.Of(T.Instruments.CleanupDeleted)).Value);
    }

    [Fact]
    public async Task The_histograms_advise_their_bucket_boundaries()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var telemetry = new TelemetryCapture(app);

        var duration = Assert.IsType<Histogram<double>>(telemetry.Instruments[T.Instruments.StoreOperationDuration]);
        var size = Assert.IsType<Histogram<long>>(telemetry.Instruments[T.Instruments.SessionSize]);

        Assert.Equal(T.StoreOperationDurationBuckets, duration.Advice?.HistogramBucketBoundaries);
        Assert.Equal(T.SessionSizeBuckets, size.Advice?.HistogramBucketBoundaries);

        // Store latencies: sub-millisecond to past the default 5-second store timeout, ascending.
        var buckets = T.StoreOperationDurationBuckets;
        Assert.True(buckets[0] <= 0.001 && buckets[^1] > new TypedSessionOptions().StoreTimeout.TotalSeconds);
        Assert.Equal(buckets.Order(), buckets);
        Assert.True(T.SessionSizeBuckets[^1] >= new TypedSessionOptions().MaxSessionSize);
    }
}
