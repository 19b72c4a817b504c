using System.Runtime.CompilerServices;

namespace TypedSessions.Generators.Tests.Infrastructure;

/// <summary>Folders of the source tree, found from this file's compile-time path.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestProject => Path.Combine(Root, "tests", "TypedSessions.Generators.Tests");

    private static string FindRoot([CallerFilePath] string file = "")
    {
        for (var folder = Path.GetDirectoryName(file); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(Path.Combine(folder, "TypedSessions.sln")))
            {
                return folder;
            }
        }

        throw new InvalidOperationException("The repository root (TypedSessions.sln) was not found above " + file);
    }
}
