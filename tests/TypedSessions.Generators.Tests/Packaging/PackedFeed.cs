using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// The TypedSessions and TypedSessions.Sqlite packages packed once (Release) into a local folder feed, under a version
/// no earlier run used, so the global packages folder can never serve a stale copy. Shared by the packaging tests.
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
        foreach (var id in new[] { "typedsessions", "typedsessions.sqlite" })
        {
            var cached = Path.Combine(packages, id, Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        return Task.CompletedTask;
    }

    private async Task PackAsync()
    {
        foreach (var project in new[] { "src/TypedSessions/TypedSessions.csproj", "src/TypedSessions.Sqlite/TypedSessions.Sqlite.csproj" })
        {
            await DotnetCli.RunAsync(RepositoryPaths.Root, "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}", "-nodeReuse:false");
        }
    }
}

/// <summary>The packaging tests share one packed feed and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingTests : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packaging";
}
