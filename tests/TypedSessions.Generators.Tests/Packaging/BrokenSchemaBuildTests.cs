using System.Text.RegularExpressions;
using TypedSessions.Generators.Tests.Generator;

namespace TypedSessions.Generators.Tests.Packaging;

/// <summary>
/// <c>dotnet build</c> of a real project holding many broken schemas at once: the build output shows every
/// TS0xxx where the mistake is, and no CS9248 or compiler error from generated code in their place. The project
/// references the TypedSessions and generator assemblies this test project was built with (the same files the
/// package carries under lib/ and analyzers/), so one build of one small project is all it costs.
/// </summary>
[Trait("Category", "Packaging")]
public sealed partial class BrokenSchemaBuildTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("typedsessions-broken-").FullName;

    [Fact]
    public async Task A_command_line_build_shows_every_TS_diagnostic_of_many_broken_schemas()
    {
        var bin = AppContext.BaseDirectory;
        // Empty build files: nothing from a parent folder changes the project.
        await File.WriteAllTextAsync(Path.Combine(_folder, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_folder, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_folder, "Broken.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <Reference Include="{Path.Combine(bin, "TypedSessions.dll")}" />
                <Reference Include="{Path.Combine(bin, "MessagePack.dll")}" />
                <Reference Include="{Path.Combine(bin, "MessagePack.Annotations.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "TypedSessions.Generators.dll")}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, "Broken.cs"), BrokenSchemas.Source);
        await File.WriteAllTextAsync(Path.Combine(_folder, "Suppressed.cs"), """
            using TypedSessions;

            [SessionSchema]
            public partial class Suppressed
            {
            #pragma warning disable TS0011 // holds the id of a reset request, not a password
                public partial string? PasswordResetId { get; set; }
            #pragma warning restore TS0011
            }
            """);

        await File.WriteAllTextAsync(Path.Combine(_folder, "Quiet.cs"), """
            using TypedSessions;

            [SessionSchema]
            public partial class Quiet
            {
                public partial string? ApiKeyName { get; set; }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(_folder, ".editorconfig"), """
            root = true

            [Quiet.cs]
            dotnet_diagnostic.TS0011.severity = none
            """);

        var output = await DotnetCli.RunAsync(_folder, expectSuccess: false, "build", "-nodeReuse:false");
        var lines = output.Split('\n');

        var missing = BrokenSchemas.Expected
            .Where(e => !lines.Any(l => Regex.IsMatch(l, $@"Broken\.cs\(\d+,\d+\): (error|warning) {e.Id}:") && l.Contains("'" + e.Name + "'", StringComparison.Ordinal)))
            .ToList();
        Assert.True(missing.Count == 0, $"Missing from the build output: {string.Join(", ", missing)}\n{output}");
        Assert.DoesNotContain("CS9248", output, StringComparison.Ordinal);
        Assert.DoesNotContain(".g.cs(", output, StringComparison.Ordinal);
        // #pragma and .editorconfig silence a schema warning as they do any other.
        Assert.DoesNotContain("PasswordResetId", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ApiKeyName", output, StringComparison.Ordinal);

        var compilerErrors = CompilerError().Matches(output).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.True(
            compilerErrors.SetEquals(BrokenSchemas.ExpectedCompilerErrors.Select(e => e.Id)),
            $"Compiler errors: {string.Join(", ", compilerErrors)}\n{output}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [GeneratedRegex(@"error (CS\d{4}):")]
    private static partial Regex CompilerError();
}
