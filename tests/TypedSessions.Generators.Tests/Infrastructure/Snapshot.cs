namespace TypedSessions.Generators.Tests.Infrastructure;

/// <summary>
/// Compares text with a committed <c>Snapshots/{name}.verified.cs</c>; on a mismatch (or a missing
/// snapshot) writes <c>{name}.received.cs</c> beside it. Accept a change by renaming the
/// received file to verified. The generator's version in <c>[GeneratedCode]</c> is written as
/// <c>{version}</c>, so a version bump (docs/releasing.md) changes no snapshot.
/// </summary>
internal static class Snapshot
{
    /// <returns>Why the snapshot does not match, or <see langword="null"/> when it does.</returns>
    public static string? Compare(string name, string actual)
    {
        var folder = Path.Combine(RepositoryPaths.TestProject, "Snapshots");
        var verified = Path.Combine(folder, name + ".verified.cs");
        var received = Path.Combine(folder, name + ".received.cs");
        actual = Normalize(actual);
        if (File.Exists(verified) && Normalize(File.ReadAllText(verified)) == actual)
        {
            File.Delete(received);
            return null;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(received, actual);
        return File.Exists(verified)
            ? $"Generated source differs from {verified}; see {received}."
            : $"No snapshot {verified}; the output was written to {received}.";
    }

    private static readonly System.Text.RegularExpressions.Regex GeneratorVersion =
        new("""GeneratedCode\("TypedSessions\.Generators", "[^"]*"\)""", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string Normalize(string text)
        => GeneratorVersion.Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF'), """GeneratedCode("TypedSessions.Generators", "{version}")""");
}
