using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;
using TypedSessions.Generators.Tests.Infrastructure;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// Opens every shipped package packed from this repository (metadata, readme, docs, symbols, SourceLink, no test
/// assets), and restores TypedSessions into a fresh project outside the repository (a local folder source added to the
/// machine's default sources) and builds schemas there.
/// </summary>
[Trait("Category", "Packaging")]
[Collection(PackagingTests.Name)]
public sealed class PackageTests(PackedFeed packed)
{
    [Fact]
    public async Task The_package_carries_the_generator_and_code_fixes_and_a_consumer_gets_working_schemas_and_TS_errors()
    {
        await packed.EnsurePackedAsync();
        var feed = packed.Feed;
        var version = packed.Version;
        var package = Path.Combine(feed, $"TypedSessions.{version}.nupkg");
        AssertPackageLayout(package);

        var app = Path.Combine(packed.Work, "Consumer");
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestoreAdditionalProjectSources>{feed}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TypedSessions" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ConsumerProgram);

        await DotnetCli.RunAsync(app, "build", "-nodeReuse:false");
        var output = await DotnetCli.RunAsync(app, "exec", Path.Combine(app, "bin", "Debug", "net10.0", "Consumer.dll"));
        Assert.True(output.Contains("first=|second=ada|cart=4|theme=Dark", StringComparison.Ordinal), output);

        await File.WriteAllTextAsync(Path.Combine(app, "Broken.cs"), """
            using TypedSessions;

            [SessionSchema]
            public partial class BrokenSession
            {
                public partial int Visits { get; set; }

                [SessionKey("Visits")]
                public partial int Count { get; set; }
            }
            """);
        var broken = await DotnetCli.RunAsync(app, expectSuccess: false, "build", "-nodeReuse:false");
        Assert.True(
            broken.Contains("error TS0008", StringComparison.Ordinal) && broken.Contains("Session property 'Count' uses the key \"Visits\"", StringComparison.Ordinal),
            "The broken schema's TS0008 error is missing from the build output:\n" + broken);

        // The package's build props make appsettings*.json additional files: the security analyzer reads them.
        File.Delete(Path.Combine(app, "Broken.cs"));
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.Production.json"), """
            { "TypedSessions": { "Cookie": { "HttpOnly": false } } }
            """);
        var insecure = await DotnetCli.RunAsync(app, expectSuccess: false, "build", "-nodeReuse:false");
        Assert.True(
            insecure.Contains("appsettings.Production.json", StringComparison.Ordinal) && insecure.Contains("error TS1003", StringComparison.Ordinal),
            "The TS1003 error for appsettings.Production.json is missing from the build output:\n" + insecure);
    }

    public static TheoryData<string> ShippedPackages => new(PackedFeed.Shipped);

    [Theory]
    [MemberData(nameof(ShippedPackages))]
    public async Task Each_shipped_package_carries_its_metadata_readme_docs_and_symbols_with_SourceLink_and_no_test_assets(string id)
    {
        await packed.EnsurePackedAsync();
        var commit = (await GitAsync("rev-parse", "HEAD")).Trim();
        Assert.Matches("^[0-9a-f]{40}$", commit);
        var isTool = id == "TypedSessions.Cli";

        using var package = ZipFile.OpenRead(Path.Combine(packed.Feed, $"{id}.{packed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();

        // The nuspec: identity, authors, license, readme, project and repository (with the commit packed).
        var nuspec = ReadXml(package, $"{id}.nuspec");
        var metadata = Element(nuspec.Root!, "metadata");
        Assert.Equal(id, Element(metadata, "id").Value);
        Assert.Equal(packed.Version, Element(metadata, "version").Value);
        Assert.Equal("TypedSessions contributors", Element(metadata, "authors").Value);
        var license = Element(metadata, "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("README.md", Element(metadata, "readme").Value);
        Assert.Equal(PackedFeed.RepositoryUrl, Element(metadata, "projectUrl").Value);
        Assert.False(string.IsNullOrWhiteSpace(Element(metadata, "description").Value));
        var repository = Element(metadata, "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(PackedFeed.RepositoryUrl, (string?)repository.Attribute("url"));
        Assert.Equal(commit, (string?)repository.Attribute("commit"));

        // The package's own readme, at the root where the nuspec points.
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            // The package's own readme: its title names the package (the two kit packages share one, naming both).
            var title = (await readme.ReadToEndAsync()).Split('\n')[0];
            Assert.StartsWith("# ", title, StringComparison.Ordinal);
            Assert.Contains(id, title.Split([' ', ',', '/'], StringSplitOptions.RemoveEmptyEntries));
        }

        // Nothing of a test project: no test SDK, runner, test host or test assembly, as files or as dependencies.
        var testAssets = entries.Where(IsTestAsset).ToList();
        Assert.True(testAssets.Count == 0, $"{id} carries test assets: {string.Join(", ", testAssets)}");
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        Assert.DoesNotContain(dependencies, d => (string?)d.Attribute("id") is "Microsoft.NET.Test.Sdk" or "xunit" or "xunit.runner.visualstudio" or "Microsoft.CodeAnalysis.PublicApiAnalyzers");
        // The family moves together: a dependency on a sibling package is on this very version.
        Assert.All(
            dependencies.Where(d => ((string)d.Attribute("id")!).StartsWith("TypedSessions", StringComparison.Ordinal)),
            d => Assert.Equal(packed.Version, (string?)d.Attribute("version")));

        var folder = isTool ? "tools/net10.0/any/" : "lib/net10.0/";
        if (isTool)
        {
            // A .NET tool: the DotnetTool package type, the command, and everything it runs on in tools/, no dependencies.
            Assert.Equal("DotnetTool", (string?)nuspec.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name"));
            Assert.Empty(dependencies);
            var command = ReadXml(package, folder + "DotnetToolSettings.xml").Descendants("Command").Single();
            Assert.Equal(("typedsessions", "TypedSessions.Cli.dll"), ((string?)command.Attribute("Name"), (string?)command.Attribute("EntryPoint")));
            Assert.Contains(folder + "TypedSessions.Cli.runtimeconfig.json", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal([$"{folder}{id}.dll", $"{folder}{id}.xml"], entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        // XML docs beside each of our assemblies; the .snupkg holds the matching pdb of each, with SourceLink to this commit.
        var ours = entries.Where(e => e.StartsWith(folder + "TypedSessions", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        Assert.Contains($"{folder}{id}.dll", ours);
        using var symbols = ZipFile.OpenRead(Path.Combine(packed.Feed, $"{id}.{packed.Version}.snupkg"));
        Assert.Equal("SymbolsPackage", (string?)ReadXml(symbols, $"{id}.nuspec").Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name"));
        foreach (var dll in ours)
        {
            Assert.Contains(Path.ChangeExtension(dll, ".xml"), entries);
            AssertSymbols(package.GetEntry(dll)!, symbols.GetEntry(Path.ChangeExtension(dll, ".pdb")), commit);
        }
    }

    private static bool IsTestAsset(string entry)
    {
        var name = Path.GetFileName(entry);
        return name.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.NET.Test.Sdk", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.TestPlatform", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.VisualStudio.TestPlatform", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("testhost", StringComparison.OrdinalIgnoreCase)
            || name.Contains(".Tests.", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The pdb is the one the assembly was built with (same id), and it is a CI build's: source paths mapped to
    /// <c>/_/</c>, a SourceLink map from <c>/_/</c> to this commit's raw files, and the files git does not track
    /// (generated ones) embedded.
    /// </summary>
    private static void AssertSymbols(ZipArchiveEntry dll, ZipArchiveEntry? pdb, string commit)
    {
        Assert.True(pdb is not null, $"The symbols package has no pdb for {dll.FullName}.");
        using var pe = new PEReader(Copy(dll));
        var codeView = pe.ReadCodeViewDebugDirectoryData(pe.ReadDebugDirectory().Single(d => d.Type == DebugDirectoryEntryType.CodeView));
        using var provider = MetadataReaderProvider.FromPortablePdbStream(Copy(pdb));
        var reader = provider.GetMetadataReader();
        Assert.Equal(codeView.Guid, new Guid(reader.DebugMetadataHeader!.Id.AsSpan(0, 16)));

        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));

        var sourceLink = CustomDebugInformation(reader, EntityHandle.ModuleDefinition, SourceLinkKind).SingleOrDefault();
        Assert.True(sourceLink is not null, $"{pdb.FullName} has no SourceLink map.");
        using var json = JsonDocument.Parse(sourceLink);
        var map = json.RootElement.GetProperty("documents").EnumerateObject().Single();
        Assert.Equal("/_/*", map.Name);
        Assert.Matches($"^https://raw\\.githubusercontent\\.com/[^/]+/[^/]+/{commit}/\\*$", map.Value.GetString());

        var embedded = reader.Documents.Where(d => CustomDebugInformation(reader, d, EmbeddedSourceKind).Any())
            .Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        Assert.True(
            embedded.Any(d => d.EndsWith(".AssemblyInfo.cs", StringComparison.Ordinal)),
            $"{pdb.FullName} does not embed the generated (untracked) AssemblyInfo.cs; it embeds: {string.Join(", ", embedded)}");
    }

    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private static IEnumerable<byte[]> CustomDebugInformation(MetadataReader reader, EntityHandle parent, Guid kind) =>
        reader.GetCustomDebugInformation(parent)
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == kind)
            .Select(info => reader.GetBlobBytes(info.Value));

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }

    private static XDocument ReadXml(ZipArchive zip, string entry)
    {
        var found = zip.GetEntry(entry);
        Assert.True(found is not null, $"The package has no {entry}.");
        using var stream = found.Open();
        return XDocument.Load(stream);
    }

    private static XElement Element(XElement parent, string name)
    {
        var found = parent.Elements().SingleOrDefault(e => e.Name.LocalName == name);
        Assert.True(found is not null, $"<{parent.Name.LocalName}> has no <{name}>.");
        return found;
    }

    private static async Task<string> GitAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    private static void AssertPackageLayout(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/TypedSessions.dll", entries);
        // The schema generator and analyzer, the cookie-security analyzer and the fixes of both: nothing else.
        Assert.Equal(
            ["analyzers/dotnet/cs/TypedSessions.CodeFixes.dll", "analyzers/dotnet/cs/TypedSessions.CookieSecurity.dll", "analyzers/dotnet/cs/TypedSessions.Generators.dll"],
            entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains("build/TypedSessions.props", entries);
        Assert.Contains("buildTransitive/TypedSessions.props", entries);

        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var dependencies = XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!)
            .ToList();
        Assert.Contains("MessagePack", dependencies);
        Assert.DoesNotContain(dependencies, id => id.StartsWith("TypedSessions.", StringComparison.Ordinal));
        Assert.DoesNotContain(dependencies, id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    // Runs the app on a loopback port and talks to it: set a name, read it back with the cookie, fill a cart.
    private const string ConsumerProgram = """
        using System.ComponentModel;
        using Microsoft.AspNetCore.Hosting.Server;
        using Microsoft.AspNetCore.Hosting.Server.Features;
        using TypedSessions;

        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddTypedSessions().AddMemoryStore();
        var app = builder.Build();
        app.UseTypedSessions();
        app.MapGet("/name", (ConsumerSession s) => s.Username ?? "");
        app.MapGet("/login", (ConsumerSession s) => { s.Username = "ada"; return "ok"; });
        app.MapGet("/cart", (ConsumerSession s) => { s.Cart.Add("x"); s.Cart.Add("y"); return s.Cart.Count.ToString(); });
        app.MapGet("/theme", (ConsumerSession s) => s.Theme.ToString());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(address) };
        string? cookie = null;
        async Task<string> Get(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (cookie is not null) request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            if (response.Headers.TryGetValues("Set-Cookie", out var values)) cookie = values.First().Split(';')[0];
            return await response.Content.ReadAsStringAsync();
        }

        var first = await Get("/name");
        await Get("/login");
        var second = await Get("/name");
        await Get("/cart");
        var cart = await Get("/cart");
        Console.WriteLine($"first={first}|second={second}|cart={cart}|theme={await Get("/theme")}");
        await app.StopAsync();

        public enum Theme { Light, Dark }

        [SessionSchema]
        public partial class ConsumerSession
        {
            public partial string? Username { get; set; }
            public partial List<string> Cart { get; set; }
            [DefaultValue(Theme.Dark)] public partial Theme Theme { get; set; }
        }
        """;
}
