using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// Every shipped package (<see cref="Shipped"/>) packed once (Release, as a CI build) into a local folder feed, under a
/// version no earlier run used, so the global packages folder can never serve a stale copy. Shared by the packaging tests.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private readonly Lazy<Task> _packed;

    public PackedFeed()
    {
        _packed = new Lazy<Task>(PackAsync);
    }

    /// <summary>A temp folder for this run (the feed and the consumer apps live under it).</summary>
    public string Work { get; } = Directory.CreateTempSubdirectory("typedsessions-pack-").FullName;

    /// <summary>The local folder source holding the packages.</summary>
    public string Feed => Path.Combine(Work, "feed");

    /// <summary>The shipped packages: id and project (the project folder is named as the package).</summary>
    public static IReadOnlyList<string> Shipped { get; } =
        ["TypedSessions", "TypedSessions.Sqlite", "TypedSessions.PostgreSql", "TypedSessions.Redis", "TypedSessions.Testing", "TypedSessions.Testing.XunitV3", "TypedSessions.Cli"];

    /// <summary>
    /// The repository address the packages' SourceLink points at: the public repository's (a placeholder until it exists;
    /// docs/releasing.md). It stands in for the <c>origin</c> remote a release clone has (see <see cref="PackAsync"/>).
    /// </summary>
    public const string RepositoryUrl = "https://github.com/typedsessions/typedsessions";

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; } = "0.0.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Packs the packages on first use.</summary>
    public Task EnsurePackedAsync() => _packed.Value;

    /// <summary>
    /// Makes every project under <paramref name="folder"/> restore from the feed as well as the machine's sources
    /// (the way a developer adds a local source; no nuget.config naming a remote source).
    /// </summary>
    public Task AddFeedToProjectsUnderAsync(string folder) => File.WriteAllTextAsync(Path.Combine(folder, "Directory.Build.props"), $"""
        <Project>
          <PropertyGroup>
            <RestoreAdditionalProjectSources>{Feed}</RestoreAdditionalProjectSources>
          </PropertyGroup>
        </Project>
        """);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in Shipped)
        {
            var cached = Path.Combine(packages, id.ToLowerInvariant(), Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// One <c>dotnet pack</c> of a solution filter holding the shipped projects, so they build once and in parallel.
    /// <c>ContinuousIntegrationBuild</c> as on CI (deterministic, source paths mapped to <c>/_/</c>). A checkout here
    /// may have no <c>origin</c> remote, or (a clone of a local folder, as CI makes) one that is a path SourceLink cannot
    /// map; so a git configuration file in <c>XDG_CONFIG_HOME</c> defines a remote of its own with the public URL,
    /// <c>GitRepositoryRemoteName</c> makes SourceLink use it, and an empty <c>GitRepositoryConfigurationScope</c> lets
    /// SourceLink read that file on CI too (it reads only the repository's own configuration there).
    /// </summary>
    // The remote the pack's SourceLink reads (defined only in the XDG configuration file, never in the repository's).
    private const string TestRemote = "typedsessions-packtest";

    private async Task PackAsync()
    {
        var filter = Path.Combine(Work, "shipped.slnf");
        await File.WriteAllTextAsync(filter, System.Text.Json.JsonSerializer.Serialize(new
        {
            solution = new
            {
                path = Path.Combine(RepositoryPaths.Root, "TypedSessions.sln"),
                projects = Shipped.Select(id => $"src/{id}/{id}.csproj").ToArray(),
            },
        }));
        var gitConfig = Path.Combine(Work, "xdg", "git");
        Directory.CreateDirectory(gitConfig);
        await File.WriteAllTextAsync(Path.Combine(gitConfig, "config"), $"[remote \"{TestRemote}\"]\n\turl = {RepositoryUrl}\n");

        await DotnetCli.RunAsync(
            RepositoryPaths.Root,
            expectSuccess: true,
            new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = Path.Combine(Work, "xdg") },
            "pack", filter, "-c", "Release", $"-p:PackageOutputPath={Feed}", $"-p:Version={Version}",
            "-p:ContinuousIntegrationBuild=true", "-p:GitRepositoryConfigurationScope=", $"-p:GitRepositoryRemoteName={TestRemote}", "-nodeReuse:false");
    }
}

/// <summary>The packaging tests share one packed feed and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingTests : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packaging";
}
