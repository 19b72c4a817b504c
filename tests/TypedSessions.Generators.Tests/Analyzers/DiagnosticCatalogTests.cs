using System.Reflection;
using Microsoft.CodeAnalysis;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Analyzers;

/// <summary>Every rule is reported (schema rules by the generator, security rules by the analyzer), documented, linked and release-tracked.</summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly DiagnosticDescriptor[] SchemaDescriptors = DescriptorsOf(typeof(DiagnosticDescriptors));

    private static readonly DiagnosticDescriptor[] SecurityDescriptors = DescriptorsOf(typeof(global::TypedSessions.CookieSecurity.SecurityDescriptors));

    private static readonly DiagnosticDescriptor[] Descriptors = [.. SchemaDescriptors, .. SecurityDescriptors];

    [Fact]
    public void Ids_are_unique_TS0xxx_and_all_reported_by_the_generator()
    {
        Assert.Equal(13, SchemaDescriptors.Length);
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(SchemaDescriptors, d => Assert.Matches("^TS0[0-9]{3}$", d.Id));
        Assert.Equal(
            SchemaDescriptors.Select(d => d.Id).Order(),
            DiagnosticDescriptors.All.Select(d => d.Id).Order());
        Assert.Equal(DiagnosticDescriptors.All.Length, DiagnosticDescriptors.ById.Count);
    }

    [Fact]
    public void Security_ids_are_TS1xxx_compilation_end_and_all_supported_by_the_security_analyzer()
    {
        Assert.Equal(12, SecurityDescriptors.Length);
        Assert.All(SecurityDescriptors, d =>
        {
            Assert.Matches("^TS1[0-9]{3}$", d.Id);
            Assert.Equal("TypedSessions.Security", d.Category);
            Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, d.CustomTags);
        });
        var supported = new global::TypedSessions.CookieSecurity.CookieSecurityAnalyzer().SupportedDiagnostics;
        Assert.Equal(
            SecurityDescriptors.Select(d => d.Id).Order(),
            supported.Where(d => d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)).Select(d => d.Id).Order());
    }

    [Fact]
    public void Every_security_rule_but_TS1008_has_an_untagged_block_descriptor_with_the_same_id_text_and_severity()
    {
        var supported = new global::TypedSessions.CookieSecurity.CookieSecurityAnalyzer().SupportedDiagnostics;
        var local = supported.Where(d => !d.CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd)).ToList();
        Assert.Equal(SecurityDescriptors.Select(d => d.Id).Where(id => id != "TS1008").Order(), local.Select(d => d.Id).Order());
        Assert.All(local, d =>
        {
            var end = SecurityDescriptors.Single(e => e.Id == d.Id);
            Assert.Equal(end.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(end.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(end.DefaultSeverity, d.DefaultSeverity);
            Assert.Equal(end.Category, d.Category);
            Assert.Equal(end.HelpLinkUri, d.HelpLinkUri);
        });
    }

    [Fact]
    public void The_diagnostics_index_lists_every_rule_with_its_severity()
    {
        var index = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", "README.md"));
        Assert.All(Descriptors, d => Assert.Contains($"| [{d.Id}]({d.Id}.md) | {d.DefaultSeverity} | {d.Title} |", index, StringComparison.Ordinal));
    }

    private static DiagnosticDescriptor[] DescriptorsOf(Type holder) => holder
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

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

    [Theory]
    [InlineData("TypedSessions.Generators", "TypedSessions.Schema")]
    [InlineData("TypedSessions.CookieSecurity", "TypedSessions.Security")]
    public void Every_rule_is_release_tracked_with_its_severity_by_the_project_that_reports_it(string project, string category)
    {
        var tracked = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "generators", project, "AnalyzerReleases.Unshipped.md"))
            .Where(l => l.StartsWith("TS", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[0], cells => (Category: cells[1], Severity: cells[2]));
        var rules = Descriptors.Where(d => d.Category == category).ToList();
        Assert.NotEmpty(rules);
        Assert.Equal(rules.Select(d => d.Id).Order(), tracked.Keys.Order());
        Assert.All(rules, d => Assert.Equal((category, d.DefaultSeverity.ToString()), tracked[d.Id]));
    }
}
