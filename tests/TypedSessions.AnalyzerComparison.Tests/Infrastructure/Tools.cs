using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSessions.CookieSecurity;

namespace TypedSessions.AnalyzerComparison.Tests.Infrastructure;

/// <summary>
/// One analyzer package in the comparison: its analyzers, the rules enabled for the run, the ids
/// that count as "detected" (the ones about cookies), and any configuration file it needs.
/// </summary>
internal sealed class Tool
{
    public required string Name { get; init; }

    public required string Package { get; init; }

    public required string Version { get; init; }

    public required ImmutableArray<DiagnosticAnalyzer> Analyzers { get; init; }

    /// <summary>Rule ids turned on (Warn) for the run; every other rule of the tool is suppressed.</summary>
    public required ImmutableSortedSet<string> EnabledIds { get; init; }

    /// <summary>Rule ids whose diagnostics count as detecting an insecure cookie or session setting.</summary>
    public required ImmutableSortedSet<string> CountedIds { get; init; }

    /// <summary>Additional files the tool reads its configuration from (SonarLint.xml).</summary>
    public ImmutableArray<AdditionalText> ConfigurationFiles { get; init; } = [];

    public IEnumerable<DiagnosticDescriptor> Descriptors
        => Analyzers.SelectMany(a => a.SupportedDiagnostics).GroupBy(d => d.Id).Select(g => g.First());
}

/// <summary>The three tools compared, loaded once.</summary>
internal static class Tools
{
    private static readonly Lazy<ImmutableArray<Tool>> Loaded = new(Load);

    public static ImmutableArray<Tool> All => Loaded.Value;

    public static Tool TypedSessions => All.Single(t => t.Name == "TypedSessions");

    public static IEnumerable<Tool> Peers => All.Where(t => t.Name != "TypedSessions");

    private static ImmutableArray<Tool> Load() => [LoadSonar(), LoadSecurityCodeScan(), LoadTypedSessions()];

    /// <summary>
    /// SonarAnalyzer.CSharp: its security rules (category "... Vulnerability" or "... Security Hotspot")
    /// are enabled through the compilation's specific diagnostic options, and listed in a SonarLint.xml
    /// additional file, which is where SonarLint turns hotspot rules on (without it they stay silent).
    /// </summary>
    private static Tool LoadSonar()
    {
        var folder = PackageFolder("SonarAnalyzerFolder");
        var analyzers = FolderAnalyzerLoader.Load(Path.Combine(folder, "analyzers"), "SonarAnalyzer.CSharp.dll").ToImmutableArray();
        var descriptors = analyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
        var security = descriptors
            .Where(d => d.Category.Contains("Vulnerability", StringComparison.OrdinalIgnoreCase) || d.Category.Contains("Security", StringComparison.OrdinalIgnoreCase))
            .Select(d => d.Id).ToImmutableSortedSet(StringComparer.Ordinal);
        var sonarLint = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnalysisInput>\n  <Settings />\n  <Rules>\n"
                        + string.Concat(security.Select(id => "    <Rule><Key>" + id + "</Key></Rule>\n"))
                        + "  </Rules>\n  <Files />\n</AnalysisInput>\n";
        return new Tool
        {
            Name = "SonarAnalyzer",
            Package = "SonarAnalyzer.CSharp",
            Version = Path.GetFileName(folder),
            Analyzers = analyzers,
            EnabledIds = security,
            CountedIds = CookieIds(descriptors.Where(d => security.Contains(d.Id))),
            ConfigurationFiles = [new InMemoryText("/sonar/SonarLint.xml", sonarLint)],
        };
    }

    /// <summary>Security Code Scan: every rule is a security rule; all are enabled.</summary>
    private static Tool LoadSecurityCodeScan()
    {
        var folder = PackageFolder("SecurityCodeScanFolder");
        var analyzers = FolderAnalyzerLoader.Load(Path.Combine(folder, "analyzers", "dotnet"), "SecurityCodeScan.VS2019.dll").ToImmutableArray();
        var descriptors = analyzers.SelectMany(a => a.SupportedDiagnostics).ToList();
        return new Tool
        {
            Name = "Security Code Scan",
            Package = "SecurityCodeScan.VS2019",
            Version = Path.GetFileName(folder),
            Analyzers = analyzers,
            EnabledIds = descriptors.Select(d => d.Id).ToImmutableSortedSet(StringComparer.Ordinal),
            CountedIds = CookieIds(descriptors),
        };
    }

    /// <summary>
    /// TypedSessions' TS1xxx rules: all of them concern the session and cookie settings. The analyzer runs
    /// with its <c>UseCookiePolicy</c> suppressor, as in a build.
    /// </summary>
    private static Tool LoadTypedSessions()
    {
        var analyzer = new CookieSecurityAnalyzer();
        var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).ToImmutableSortedSet(StringComparer.Ordinal);
        return new Tool
        {
            Name = "TypedSessions",
            Package = "TypedSessions",
            Version = "this commit (analyzers/dotnet/cs/TypedSessions.CookieSecurity.dll)",
            Analyzers = [analyzer, new CookiePolicySuppressor()],
            EnabledIds = ids,
            CountedIds = ids,
        };
    }

    // The rules whose title or message speaks of cookies.
    private static ImmutableSortedSet<string> CookieIds(IEnumerable<DiagnosticDescriptor> descriptors)
        => descriptors
            .Where(d => Mentions(d.Title) || Mentions(d.MessageFormat))
            .Select(d => d.Id).ToImmutableSortedSet(StringComparer.Ordinal);

    private static bool Mentions(LocalizableString text)
        => text.ToString(System.Globalization.CultureInfo.InvariantCulture).Contains("cookie", StringComparison.OrdinalIgnoreCase);

    private static string PackageFolder(string key)
    {
        var folder = typeof(Tools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value;
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            throw new InvalidOperationException("The package folder " + key + " (" + folder + ") is missing: restore the project.");
        }

        return folder.TrimEnd('/', '\\');
    }
}
