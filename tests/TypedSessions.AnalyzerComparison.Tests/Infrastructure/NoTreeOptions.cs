using Microsoft.CodeAnalysis;

namespace TypedSessions.AnalyzerComparison.Tests.Infrastructure;

/// <summary>
/// The per-tree options a build gives a compilation (from .editorconfig), here empty. SonarAnalyzer
/// reads them and fails when a compilation has none, as compilations made by hand do.
/// </summary>
internal sealed class NoTreeOptions : SyntaxTreeOptionsProvider
{
    public static NoTreeOptions Instance { get; } = new();

    public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.NotGenerated;

    public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
    {
        severity = ReportDiagnostic.Default;
        return false;
    }

    public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
    {
        severity = ReportDiagnostic.Default;
        return false;
    }
}
