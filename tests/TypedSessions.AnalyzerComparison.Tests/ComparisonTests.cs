using TypedSessions.AnalyzerComparison.Tests.Infrastructure;

namespace TypedSessions.AnalyzerComparison.Tests;

/// <summary>
/// TypedSessions against SonarAnalyzer.CSharp and Security Code Scan on the same corpus of cookie and
/// session shapes (Corpus/Insecure, Corpus/Secure); the table is docs/analyzers-comparison.md.
/// </summary>
public sealed class ComparisonTests
{
    [Fact]
    public async Task Every_insecure_shape_a_peer_detects_TypedSessions_detects_too()
    {
        var results = await ComparisonRunner.AllAsync();
        var missed = results
            .Where(r => r.Shape.Insecure && Tools.Peers.Any(r.DetectedBy) && !r.DetectedBy(Tools.TypedSessions))
            .Select(r => r.Shape.Name + " (" + string.Join(", ", Tools.Peers.Where(r.DetectedBy).Select(p => p.Name)) + ")")
            .ToList();
        Assert.Empty(missed);
    }

    [Fact]
    public async Task TypedSessions_detects_every_insecure_shape_of_the_corpus()
    {
        var results = await ComparisonRunner.AllAsync();
        Assert.Empty(results.Where(r => r.Shape.Insecure && !r.DetectedBy(Tools.TypedSessions)).Select(r => r.Shape.Name));
    }

    [Fact]
    public async Task TypedSessions_reports_nothing_on_the_secure_corpus()
    {
        var results = await ComparisonRunner.AllAsync();
        Assert.Empty(results.Where(r => !r.Shape.Insecure && r.DetectedBy(Tools.TypedSessions))
            .Select(r => r.Shape.Name + ": " + string.Join(", ", r.IdsByTool[Tools.TypedSessions.Name])));
    }

    [Fact]
    public void The_peers_are_really_loaded_with_their_cookie_rules()
    {
        // Guards the comparison: a peer whose analyzers did not load (or whose cookie rules were not
        // found) would "detect nothing" and make every assertion above pass.
        foreach (var peer in Tools.Peers)
        {
            Assert.NotEmpty(peer.Analyzers);
            Assert.NotEmpty(peer.CountedIds);
        }
    }

    [Fact]
    public async Task Each_peer_detects_at_least_one_shape_so_its_rules_really_ran()
    {
        var results = await ComparisonRunner.AllAsync();
        foreach (var peer in Tools.Peers)
        {
            Assert.True(results.Any(r => r.DetectedBy(peer)), peer.Name + " detected nothing: its rules did not run.");
        }
    }

    [Fact]
    public async Task The_committed_comparison_document_is_up_to_date()
    {
        var results = await ComparisonRunner.AllAsync();
        var expected = ComparisonDocument.Render(results);
        var path = ComparisonDocument.Path;
        if (Environment.GetEnvironmentVariable("TYPEDSESSIONS_WRITE_COMPARISON") == "1")
        {
            await File.WriteAllTextAsync(path, expected);
        }

        var committed = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(committed == expected,
            "docs/analyzers-comparison.md is stale; regenerate it with: " + ComparisonDocument.Command);
    }
}
