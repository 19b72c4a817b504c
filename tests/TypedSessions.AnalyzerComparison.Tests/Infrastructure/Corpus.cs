using Microsoft.CodeAnalysis;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.AnalyzerComparison.Tests.Infrastructure;

/// <summary>
/// One file of the corpus: a small app file with one cookie or session shape, and the appsettings
/// files that go with it (<c>Name.appsettings.json</c>, <c>Name.appsettings.Production.json</c>).
/// </summary>
internal sealed record Shape(string Name, bool Insecure, string Description, string SourcePath, IReadOnlyList<(string FileName, string Path)> AppSettings)
{
    /// <summary>The path the shape's syntax tree has in its compilation.</summary>
    public string TreePath => "/corpus/" + Name + ".cs";

    public string AdditionalPath(string fileName) => "/corpus/" + Name + "/" + fileName;

    public override string ToString() => Name;
}

/// <summary>The shapes under Corpus/Insecure and Corpus/Secure.</summary>
internal static class Corpus
{
    private const string DescriptionPrefix = "// Shape: ";

    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "TypedSessions.AnalyzerComparison.Tests", "Corpus");

    public static IReadOnlyList<Shape> Insecure { get; } = Read("Insecure", insecure: true);

    public static IReadOnlyList<Shape> Secure { get; } = Read("Secure", insecure: false);

    public static IEnumerable<Shape> All => Insecure.Concat(Secure);

    private static List<Shape> Read(string kind, bool insecure)
    {
        var folder = Path.Combine(Folder, kind);
        var shapes = new List<Shape>();
        foreach (var path in Directory.GetFiles(folder, "*.cs").OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var firstLine = File.ReadLines(path).FirstOrDefault() ?? "";
            if (!firstLine.StartsWith(DescriptionPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(path + " must start with \"" + DescriptionPrefix + "...\" (the doc's row title).");
            }

            var settings = Directory.GetFiles(folder, name + ".appsettings*.json").OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (Path.GetFileName(p)[(name.Length + 1)..], p))
                .ToList();
            shapes.Add(new Shape(name, insecure, firstLine[DescriptionPrefix.Length..].Trim(), path, settings));
        }

        if (shapes.Count == 0)
        {
            throw new InvalidOperationException("No corpus file in " + folder);
        }

        return shapes;
    }
}
