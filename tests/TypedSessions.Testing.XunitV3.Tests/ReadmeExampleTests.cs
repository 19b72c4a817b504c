using System.Text.RegularExpressions;

namespace TypedSessions.Testing.XunitV3.Tests;

/// <summary>The kit's README (the package readme) shows the test classes this project runs, not a copy that drifted.</summary>
public sealed partial class ReadmeExampleTests
{
    [Theory]
    [InlineData("SqliteStoreConformanceTests.cs")]
    [InlineData("MemoryStoreConformanceTests.cs")]
    [InlineData("PostgreSqlStoreConformanceTests.cs")]
    public void The_readme_shows_this_projects_test_class(string file)
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "src", "TypedSessions.Testing", "README.md"));
        var source = Code(File.ReadAllLines(Path.Combine(root, "tests", "TypedSessions.Testing.XunitV3.Tests", file)));
        var className = Path.GetFileNameWithoutExtension(file);

        var shown = CodeBlock().Matches(readme)
            .Select(m => m.Groups[1].Value)
            .Where(block => block.Contains($"public sealed class {className} ", StringComparison.Ordinal) && !block.Contains("ts-kit-v2-", StringComparison.Ordinal))
            .ToList();

        var block = Assert.Single(shown);
        var lines = Code(block.Split('\n'));

        // The README may leave out the using lines of a short example; everything else is the file's code.
        Assert.Equal(source.Where(l => !l.StartsWith("using ", StringComparison.Ordinal) || lines.Contains(l)), lines);
    }

    // The code without blank lines, the namespace line and XML doc comments (the README's prose says what they say).
    private static List<string> Code(IEnumerable<string> lines)
        => [.. lines.Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0 && !l.StartsWith("namespace ", StringComparison.Ordinal) && !l.TrimStart().StartsWith("///", StringComparison.Ordinal))];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedSessions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TypedSessions.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
