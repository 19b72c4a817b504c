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
    /// <summary>The global usings the Web SDK adds to an app (ImplicitUsings), for analyzing an app's own files.</summary>
    public const string WebSdkGlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

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
