using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace TypedSessions.Tests.Integration;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Logs_carry_event_ids_and_hashed_ids_but_never_a_raw_session_id()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var client = app.CreateClient();
        var cookies = new List<string>();
        await client.PostAsync("/set?key=name&value=alice");
        cookies.Add(client.Cookie!);
        await client.GetStringAsync("/read?key=name");
        await client.PostAsync("/cycle");
        cookies.Add(client.Cookie!);
        await client.PostAsync("/flush");
        client.Cookie = cookies[0];
        await client.GetStringAsync("/read?key=name");
        app.Store.FailOn = "load";
        client.Cookie = cookies[1];
        await client.GetAsync("/read?key=name");

        var entries = app.Logs.Entries.Where(e => e.Category.StartsWith("TypedSessions", StringComparison.Ordinal)).ToList();
        Assert.Contains(entries, e => e.Id.Name == "SessionCreated");
        Assert.Contains(entries, e => e.Id.Name == "SessionLoaded");
        Assert.Contains(entries, e => e.Id.Name == "SessionDeleted");
        Assert.Contains(entries, e => e.Id.Name == "SessionSuperseded");
        Assert.Contains(entries, e => e.Id.Name == "StoreFailed");
        foreach (var raw in cookies)
        {
            Assert.DoesNotContain(app.Logs.Entries, e => e.Text.Contains(raw, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_meter_counts_store_operations_and_the_activity_source_traces_them()
    {
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var operations = new MetricCollector<long>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TypedSessionsTelemetry.MeterName, TypedSessionsTelemetry.Instruments.StoreOperations);
        using var duration = new MetricCollector<double>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TypedSessionsTelemetry.MeterName, TypedSessionsTelemetry.Instruments.StoreOperationDuration);
        // The capture keeps only this test's spans (its client sends one trace id): the listener is process-wide.
        using var telemetry = new TelemetryCapture(app);
        using var client = telemetry.CreateClient();

        await client.PostAsync("/set?key=name&value=alice");
        await client.GetStringAsync("/read?key=name");

        var measured = operations.GetMeasurementSnapshot();
        Assert.Contains(measured, m => (string?)m.Tags[TypedSessionsTelemetry.Attributes.Operation] == "create" && (string?)m.Tags[TypedSessionsTelemetry.Attributes.Outcome] == "ok");
        Assert.Contains(measured, m => (string?)m.Tags[TypedSessionsTelemetry.Attributes.Operation] == "load" && (string?)m.Tags[TypedSessionsTelemetry.Attributes.Outcome] == "ok");
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
        var activities = telemetry.Spans.ToList();
        Assert.Contains(activities, a => a.OperationName == TypedSessionsTelemetry.Spans.Create && ((string?)a.GetTagItem(TypedSessionsTelemetry.Attributes.SessionIdHash))?.Length == 12);
        Assert.DoesNotContain(activities, a => a.Tags.Any(t => t.Value == client.Cookie));
    }
}
