using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TypedSessions.AnalyzerComparison.Tests.Infrastructure;

/// <summary>An additional file (appsettings.json, SonarLint.xml) given to the analyzers.</summary>
internal sealed class InMemoryText(string path, string content) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(content);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
