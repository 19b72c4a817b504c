using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSessions.AnalyzerComparison.Tests.Infrastructure;

/// <summary>
/// Loads the analyzer DLLs of one NuGet package folder into their own load context: the package's
/// own dependencies (YamlDotNet, Google.Protobuf, ...) come from the folder, Roslyn from the test's.
/// </summary>
internal sealed class FolderAnalyzerLoader : IAnalyzerAssemblyLoader
{
    private readonly FolderLoadContext _context;

    public FolderAnalyzerLoader(string folder) => _context = new FolderLoadContext(folder);

    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath) => _context.LoadFromAssemblyPath(fullPath);

    /// <summary>The C# analyzers in <paramref name="files"/>; a DLL that fails to load is an error, never skipped.</summary>
    public static IReadOnlyList<DiagnosticAnalyzer> Load(string folder, params string[] files)
    {
        var loader = new FolderAnalyzerLoader(folder);
        var analyzers = new List<DiagnosticAnalyzer>();
        foreach (var file in files)
        {
            var reference = new AnalyzerFileReference(Path.Combine(folder, file), loader);
            var failures = new List<string>();
            reference.AnalyzerLoadFailed += (_, e) => failures.Add(e.TypeName + ": " + e.Message);
            analyzers.AddRange(reference.GetAnalyzers(LanguageNames.CSharp));
            if (failures.Count > 0)
            {
                throw new InvalidOperationException("Analyzers of " + file + " failed to load: " + string.Join("; ", failures));
            }
        }

        return analyzers;
    }

    private sealed class FolderLoadContext(string folder) : AssemblyLoadContext("analyzers:" + folder)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var candidate = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
