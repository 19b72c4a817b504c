using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSessions.Generators.Tests.Execution;
using TypedSessions.Generators.Tests.Infrastructure;
using TypedSessions.Tests.Shared;

namespace TypedSessions.Generators.Tests.Analyzers;

/// <summary>
/// The analyzer (TS0009) and the runtime (<c>Session.Set</c>) give the same answer for every key of the shared table,
/// except that a schema may not use the prefix reserved for framework-owned keys.
/// </summary>
public sealed partial class SessionKeyAgreementTests
{
    [Fact]
    public async Task The_analyzer_and_the_runtime_agree_on_every_key_but_the_reserved_prefix()
    {
        var cases = SessionKeyCases.All;
        var analyzer = AnalyzerVerdicts(cases.Select(c => c.Key).ToList());
        var runtime = await RuntimeVerdictsAsync(cases.Select(c => c.Key).ToList());

        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var (name, key, accepted) = cases[i];
            var reserved = SessionKeyCases.IsReserved(key);
            if (runtime[i] != accepted)
            {
                failures.Add($"{name}: the runtime {(runtime[i] ? "accepts" : "refuses")} it");
            }

            if (analyzer[i] != (accepted && !reserved))
            {
                failures.Add($"{name}: the analyzer {(analyzer[i] ? "accepts" : "refuses")} it");
            }

            if (!reserved && analyzer[i] != runtime[i])
            {
                failures.Add($"{name}: the analyzer and the runtime disagree");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Contains(cases, c => c.Accepted && SessionKeyCases.IsReserved(c.Key));
        Assert.Contains(cases, c => !c.Accepted);
    }

    // One property per key, [SessionKey] with every character outside printable ASCII escaped; true where no TS0009.
    private static bool[] AnalyzerVerdicts(List<string> keys)
    {
        var source = new StringBuilder("""
            using TypedSessions;

            namespace KeyTable;

            [SessionSchema]
            public partial class Keys
            {

            """);
        for (var i = 0; i < keys.Count; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"    [SessionKey({Literal(keys[i])})] public partial int P{i} {{ get; set; }}\n");
        }

        source.Append("}\n");
        var diagnostics = GeneratorRunner.SchemaDiagnostics(GeneratorRunner.Compile(source.ToString()));
        var refused = diagnostics
            .Where(d => d.Id == "TS0009")
            .Select(d => int.Parse(PropertyName().Match(d.GetMessage(CultureInfo.InvariantCulture)).Groups[1].Value, CultureInfo.InvariantCulture))
            .ToHashSet();
        Assert.DoesNotContain(diagnostics, d => d.Id == "TS0008");
        return keys.Select((_, i) => !refused.Contains(i)).ToArray();
    }

    // Session.Set on a real session in the ASP.NET Core pipeline; true where it does not throw.
    private static async Task<bool[]> RuntimeVerdictsAsync(List<string> keys)
    {
        await using var host = await SessionTestHost.StartAsync(app => app.MapGet("/keys", (Session session) =>
        {
            var verdicts = new StringBuilder();
            foreach (var key in keys)
            {
                try
                {
                    session.Set(key, 1);
                    verdicts.Append('A');
                }
                catch (ArgumentException)
                {
                    verdicts.Append('R');
                }
            }

            return verdicts.ToString();
        }));

        var body = (await host.GetAsync("/keys")).Body;
        Assert.Equal(keys.Count, body.Length);
        return body.Select(c => c == 'A').ToArray();
    }

    private static string Literal(string value)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                literal.Append(c);
            }
            else
            {
                literal.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        return literal.Append('"').ToString();
    }

    [GeneratedRegex("^Session property 'P([0-9]+)'")]
    private static partial Regex PropertyName();
}
