using System.Reflection;
using Microsoft.CodeAnalysis;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Analyzers;

/// <summary>Every rule is reported by the analyzer, documented, linked and release-tracked.</summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void Ids_are_unique_TS0xxx_and_all_supported_by_the_analyzer()
    {
        Assert.Equal(13, Descriptors.Length);
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(Descriptors, d => Assert.Matches("^TS0[0-9]{3}$", d.Id));
        Assert.Equal(
            Descriptors.Select(d => d.Id).Order(),
            new SessionSchemaAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order());
    }

    [Fact]
    public void Every_rule_has_a_help_page_and_a_help_link_to_it()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "docs", "diagnostics");
        Assert.All(Descriptors, d =>
        {
            var page = Path.Combine(folder, d.Id + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            Assert.StartsWith("# " + d.Id + ": " + d.Title, File.ReadAllText(page), StringComparison.Ordinal);
            Assert.EndsWith("docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Every_rule_is_release_tracked_with_its_severity()
    {
        var tracked = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "generators", "TypedSessions.Generators", "AnalyzerReleases.Unshipped.md"))
            .Where(l => l.StartsWith("TS", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[0], cells => cells[2]);
        Assert.Equal(Descriptors.Length, tracked.Count);
        Assert.All(Descriptors, d => Assert.Equal(d.DefaultSeverity.ToString(), tracked[d.Id]));
    }
}
