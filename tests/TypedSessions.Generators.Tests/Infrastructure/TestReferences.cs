using System.Collections.Immutable;
using MessagePack;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;

namespace TypedSessions.Generators.Tests.Infrastructure;

/// <summary>
/// Offline references for test compilations: the .NET 10 reference assemblies, the ASP.NET Core
/// shared framework of the running runtime, TypedSessions and MessagePack.
/// </summary>
internal static class TestReferences
{
    public static ImmutableArray<MetadataReference> All { get; } = Create();

    private static ImmutableArray<MetadataReference> Create()
    {
        var aspNetFolder = Path.GetDirectoryName(typeof(HttpContext).Assembly.Location)!;
        var aspNet = Directory.GetFiles(aspNetFolder, "Microsoft.*.dll")
            .Where(path => Path.GetFileName(path).StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)
                           || Path.GetFileName(path).StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                           || Path.GetFileName(path).StartsWith("Microsoft.Net.Http.Headers", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var own = new[]
        {
            typeof(Session).Assembly.Location,
            typeof(MessagePackSerializer).Assembly.Location,
            typeof(MessagePackObjectAttribute).Assembly.Location,
        }.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        return [.. Basic.Reference.Assemblies.Net100.References.All, .. aspNet, .. own];
    }
}
