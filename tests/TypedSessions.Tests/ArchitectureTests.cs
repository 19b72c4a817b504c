using System.Reflection;
using MessagePack;
using MessagePack.Resolvers;
using TypedSessions.Core;

namespace TypedSessions.Tests;

/// <summary>
/// The session core stays apart from HTTP and from the kind of store (issue 13): what a change that puts them back
/// would break.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Type[] CoreTypes =
        [typeof(Session), typeof(SessionState), typeof(SessionEntry), typeof(SessionCommit), typeof(SessionCodec), typeof(SessionEnvironment), typeof(ISessionBackend)];

    [Fact]
    public void No_state_of_the_session_core_is_an_http_type()
    {
        foreach (var type in CoreTypes)
        {
            const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(all))
            {
                Assert.False(IsHttp(field.FieldType), $"{type.Name}.{field.Name} is {field.FieldType}");
            }

            foreach (var property in type.GetProperties(all))
            {
                Assert.False(IsHttp(property.PropertyType), $"{type.Name}.{property.Name} is {property.PropertyType}");
            }
        }
    }

    [Fact]
    public void The_session_core_sources_import_nothing_from_aspnetcore_and_never_branch_on_the_store_kind()
    {
        var root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "src", "TypedSessions"), "Session.*cs", SearchOption.TopDirectoryOnly)
            .Concat(Directory.GetFiles(Path.Combine(root, "src", "TypedSessions", "Core"), "*.cs"))
            .ToList();
        Assert.True(files.Count >= 9, "the core's files were not found: " + string.Join(", ", files));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("using Microsoft.AspNetCore", text, StringComparison.Ordinal);
            foreach (var storeKind in new[] { "CookieSessionStore", "_clientSide", "ClientSide", "HttpContext ", "HttpResponse", "IsHttps" })
            {
                Assert.False(text.Contains(storeKind, StringComparison.Ordinal), $"{Path.GetFileName(file)} mentions {storeKind}");
            }
        }
    }

    [Fact]
    public void The_codec_raises_trusted_data_security_to_untrusted_and_keeps_the_apps_resolver()
    {
        var options = MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance);
        Assert.Same(MessagePackSecurity.TrustedData, options.Security);

        var codec = new SessionCodec(options);

        Assert.Same(MessagePackSecurity.UntrustedData, codec.Options.Security);
        // The app's resolver comes after the formatters generated for schema values (docs/aot.md).
        Assert.Same(ContractlessStandardResolver.Instance, Assert.IsType<SessionValueResolver>(codec.Options.Resolver).Fallback);
    }

    [Fact]
    public void The_codec_keeps_a_stricter_security_the_app_chose()
    {
        var strict = MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(4);
        var codec = new SessionCodec(MessagePackSerializerOptions.Standard.WithSecurity(strict));

        Assert.Same(strict, codec.Options.Security);
    }

    [Fact]
    public void Replaced_serializer_options_still_decode_as_untrusted_data_in_a_session()
    {
        // A deeply nested value: the untrusted-data depth limit (500) refuses it; trusted data would recurse on.
        var manager = SessionManager.CreateInMemory(o => o.SerializerOptions = MessagePackSerializerOptions.Standard);
        var session = manager.Create();
        var bytes = new byte[600];
        Array.Fill(bytes, (byte)0x91); // fixarray of one element, 600 deep
        session.SetBytes("deep", [.. bytes, 0x01]);

        Assert.Throws<SessionValueException>(() => session.Get<object>("deep"));
    }

    private static bool IsHttp(Type type)
        => type.Assembly.GetName().Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || (type.IsGenericType && type.GetGenericArguments().Any(IsHttp));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TypedSessions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TypedSessions.sln not found above " + AppContext.BaseDirectory);
    }
}
