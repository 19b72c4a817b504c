using System.Xml.Linq;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// The public API baselines (Microsoft.CodeAnalysis.PublicApiAnalyzers) and the family's one version source
/// (docs/releasing.md).
/// </summary>
[Trait("Category", "Packaging")]
[Collection(PackagingTests.Name)]
public sealed class PublicApiTests(PackedFeed packed)
{
    [Fact]
    public void Every_shipped_project_has_nullable_aware_public_API_baselines()
    {
        foreach (var id in PackedFeed.Shipped)
        {
            foreach (var file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
            {
                var path = Path.Combine(RepositoryPaths.Root, "src", id, file);
                Assert.True(File.Exists(path), $"{path} is missing.");
                Assert.Equal("#nullable enable", File.ReadLines(path).First());
            }
        }

        // The entries of the main package, as the analyzer writes them (with nullable annotations).
        var unshipped = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "src", "TypedSessions", "PublicAPI.Unshipped.txt"));
        Assert.Contains("TypedSessions.SessionSchemaAttribute", unshipped);
        Assert.Contains(unshipped, line => line.StartsWith("static TypedSessions.", StringComparison.Ordinal) && line.Contains('!', StringComparison.Ordinal));
    }

    /// <summary>
    /// The real TypedSessions.Sqlite project, built with one more public type (an extra Compile item from
    /// <c>CustomAfterMicrosoftCommonTargets</c>, written to a temp folder), fails with RS0016 naming the type, and with
    /// nothing else; the same project without it builds (the packages were packed from it).
    /// </summary>
    [Fact]
    public async Task The_build_fails_when_a_public_API_is_not_listed_in_the_baseline()
    {
        // The packed feed's Release build of TypedSessions is the reference this build uses (no dependency rebuild).
        await packed.EnsurePackedAsync();
        var folder = Path.Combine(packed.Work, "unlisted-api");
        Directory.CreateDirectory(folder);
        var source = Path.Combine(folder, "UnlistedApi.cs");
        await File.WriteAllTextAsync(source, """
            namespace TypedSessions.Sqlite;

            /// <summary>A public type that no PublicAPI file lists.</summary>
            public static class UnlistedApi
            {
                /// <summary>Listed nowhere either.</summary>
                public static int Answer() => 42;
            }
            """);
        var targets = Path.Combine(folder, "AddUnlistedApi.targets");
        await File.WriteAllTextAsync(targets, $"""
            <Project>
              <ItemGroup Condition="'$(MSBuildProjectName)' == 'TypedSessions.Sqlite'">
                <Compile Include="{source}" />
              </ItemGroup>
            </Project>
            """);

        var output = await DotnetCli.RunAsync(
            RepositoryPaths.Root,
            expectSuccess: false,
            "build", "src/TypedSessions.Sqlite/TypedSessions.Sqlite.csproj", "-c", "Release", "--no-dependencies",
            $"-p:CustomAfterMicrosoftCommonTargets={targets}", "-nodeReuse:false");

        Assert.True(
            output.Contains("error RS0016: Symbol 'TypedSessions.Sqlite.UnlistedApi' is not part of the declared public API", StringComparison.Ordinal)
            && output.Contains("error RS0016: Symbol 'static TypedSessions.Sqlite.UnlistedApi.Answer() -> int' is not part of the declared public API", StringComparison.Ordinal),
            "The build did not name the unlisted API:\n" + output);
        var otherErrors = output.Split('\n').Where(line => line.Contains(": error ", StringComparison.Ordinal) && !line.Contains(" RS0016: ", StringComparison.Ordinal)).ToList();
        Assert.True(otherErrors.Count == 0, "The build failed for other reasons too:\n" + string.Join('\n', otherErrors));
    }

    [Fact]
    public async Task Every_shipped_project_takes_its_version_from_the_one_VersionPrefix()
    {
        var props = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        var prefix = props.Descendants("VersionPrefix").Single().Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", prefix);

        foreach (var id in PackedFeed.Shipped)
        {
            var project = Path.Combine(RepositoryPaths.Root, "src", id, id + ".csproj");
            Assert.DoesNotContain(
                XDocument.Load(project).Descendants(),
                e => e.Name.LocalName is "Version" or "VersionPrefix" or "VersionSuffix" or "PackageVersion" or "AssemblyVersion");
            var version = (await DotnetCli.RunAsync(RepositoryPaths.Root, "msbuild", project, "-getProperty:PackageVersion", "-nodeReuse:false")).Trim();
            Assert.Equal(prefix, version);
        }
    }
}
