using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using T = TypedSessions.TypedSessionsTelemetry;

namespace TypedSessions.Tests.Integration;

/// <summary>docs/observability.md lists exactly the names <see cref="TypedSessionsTelemetry"/> defines and the meter creates.</summary>
public sealed partial class ObservabilityDocTests
{
    [Fact]
    public async Task The_instrument_table_matches_the_constants_and_the_instruments_the_meter_creates()
    {
        var rows = Table("Instruments");
        await using var app = await TestApp.StartAsync(Endpoints.Map);
        using var telemetry = new TelemetryCapture(app);

        Assert.Equal(Constants(typeof(T.Instruments)).Order(), rows.Select(r => Code(r[0])).Order());
        Assert.Equal(Constants(typeof(T.Instruments)).Order(), telemetry.Instruments.Keys.Order());
        foreach (var row in rows)
        {
            var instrument = telemetry.Instruments[Code(row[0])];
            var type = instrument.GetType();
            Assert.Equal($"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{Alias(type.GetGenericArguments()[0])}>", row[1]);
            Assert.Equal(instrument.Unit, Code(row[2]));
            Assert.False(string.IsNullOrWhiteSpace(instrument.Description));
            Assert.All(Codes(row[4]), a => Assert.Contains(a, Constants(typeof(T.Attributes))));
        }
    }

    [Fact]
    public void The_span_table_matches_the_constants()
    {
        var rows = Table("Spans");
        var spans = Constants(typeof(T.Spans)).Where(s => s != T.Spans.Prefix).ToList();

        Assert.Equal(spans.Order(), rows.Select(r => Code(r[0])).Order());
        Assert.All(rows, r => Assert.Equal(nameof(ActivityKind.Client), r[1]));
        Assert.All(rows.SelectMany(r => Codes(r[2])), a => Assert.Contains(a, Constants(typeof(T.Attributes))));

        // Every span is typedsessions.{operation} for an operation the attribute table lists.
        Assert.Equal(Constants(typeof(T.Operations)).Select(o => T.Spans.Prefix + o).Order(), spans.Order());
    }

    [Fact]
    public void The_attribute_table_matches_the_constants_and_lists_every_fixed_value()
    {
        var rows = Table("Attributes");

        Assert.Equal(Constants(typeof(T.Attributes)).Order(), rows.Select(r => Code(r[0])).Order());
        string Values(string attribute) => rows.Single(r => Code(r[0]) == attribute)[2];
        Assert.Equal(Constants(typeof(T.Operations)).Order(), Codes(Values(T.Attributes.Operation)).Order());
        Assert.Equal(Constants(typeof(T.Outcomes)).Order(), Codes(Values(T.Attributes.Outcome)).Order());
        Assert.Equal(Constants(typeof(T.ConflictReasons)).Order(), Codes(Values(T.Attributes.ConflictReason)).Order());
        Assert.All(Constants(typeof(T.ErrorTypes)), e => Assert.Contains(e, Codes(Values(T.Attributes.ErrorType))));
    }

    [Fact]
    public void The_page_names_the_meter_and_the_source_and_shows_subscribing_with_the_constants()
    {
        var text = File.ReadAllText(DocPath());

        Assert.Contains($"`{T.MeterName}`", text, StringComparison.Ordinal);
        Assert.Contains($"AddMeter({nameof(TypedSessionsTelemetry)}.{nameof(T.MeterName)})", text, StringComparison.Ordinal);
        Assert.Contains($"AddSource({nameof(TypedSessionsTelemetry)}.{nameof(T.ActivitySourceName)})", text, StringComparison.Ordinal);
        foreach (var bucket in T.StoreOperationDurationBuckets)
        {
            Assert.Contains(bucket.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }
    }

    private static List<string[]> Table(string heading)
    {
        var lines = File.ReadAllLines(DocPath());
        var start = Array.IndexOf(lines, "## " + heading);
        Assert.True(start >= 0, $"No '## {heading}' section in docs/observability.md.");
        var rows = lines.Skip(start + 1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2) // header and separator
            .Select(l => l.Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())
            .ToList();
        Assert.NotEmpty(rows);
        return rows;
    }

    private static string Code(string cell) => Assert.Single(Codes(cell));

    private static List<string> Codes(string cell) => CodeSpan().Matches(cell).Select(m => m.Groups[1].Value).ToList();

    private static List<string> Constants(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

    private static string Alias(Type type) => type == typeof(long) ? "long" : type == typeof(double) ? "double" : type.Name;

    private static string DocPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedSessions.sln")))
            {
                return Path.Combine(dir.FullName, "docs", "observability.md");
            }
        }

        throw new InvalidOperationException("TypedSessions.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
