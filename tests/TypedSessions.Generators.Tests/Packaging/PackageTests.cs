using System.IO.Compression;
using System.Xml.Linq;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// Packs src/TypedSessions, restores the package into a fresh project outside the repository (a
/// local folder source added to the machine's default sources) and builds schemas there.
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
