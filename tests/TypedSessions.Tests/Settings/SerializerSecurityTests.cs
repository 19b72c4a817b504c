using TypedSessions.TestSupport;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.Extensions.Options;

namespace TypedSessions.Tests.Settings;

/// <summary>A replaced <c>SerializerOptions</c> cannot weaken decoding (docs/wire-format.md): real host starts.</summary>
public sealed class SerializerSecurityTests
{
    public static TheoryData<string> Accepted => new() { "default", "trusted-default-raised", "untrusted", "untrusted-stricter-depth" };

    public static TheoryData<string> Refused => new() { "trusted-with-depth", "untrusted-without-hash-resistance", "untrusted-deeper-than-500", "zero-depth" };

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Serializer_options_as_strict_as_untrusted_data_or_carrying_the_default_start_and_round_trip(string name)
    {
        await using var app = await OptionsHost.StartAsync(configure: o =>
        {
            if (SerializerFor(name) is { } serializer)
            {
                o.SerializerOptions = serializer;
            }
        });

        Assert.Equal("kept", await OptionsHost.RoundTripAsync(app, "kept"));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Serializer_options_weaker_than_untrusted_data_fail_at_startup_naming_the_setting_and_range(string name)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(configure: o => o.SerializerOptions = SerializerFor(name)!));

        var message = Assert.Single(ex.Failures);
        Assert.StartsWith("TypedSessions SerializerOptions.Security is weaker than MessagePackSecurity.UntrustedData", message, StringComparison.Ordinal);
        Assert.Contains("MaximumObjectGraphDepth 1 to 500", message, StringComparison.Ordinal);
        Assert.Contains("WithSecurity(", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_serializer_options_fail_at_startup()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(configure: o => o.SerializerOptions = null!));

        Assert.Contains("SerializerOptions must not be null", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static MessagePackSerializerOptions? SerializerFor(string name)
    {
        var custom = MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance);
        return name switch
        {
            "default" => null,
            "trusted-default-raised" => custom, // carries MessagePackSecurity.TrustedData itself: raised, not refused
            "untrusted" => custom.WithSecurity(MessagePackSecurity.UntrustedData),
            "untrusted-stricter-depth" => custom.WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(16)),
            "trusted-with-depth" => custom.WithSecurity(MessagePackSecurity.TrustedData.WithMaximumObjectGraphDepth(1000)),
            "untrusted-without-hash-resistance" => custom.WithSecurity(MessagePackSecurity.UntrustedData.WithHashCollisionResistant(false)),
            "untrusted-deeper-than-500" => custom.WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(501)),
            "zero-depth" => custom.WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(0)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
