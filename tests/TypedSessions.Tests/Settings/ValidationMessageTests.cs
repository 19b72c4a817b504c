using TypedSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSessions.Deployment;
using TypedSessions.Storage.DistributedCache;

namespace TypedSessions.Tests.Settings;

/// <summary>Every startup validation error names the setting (its configuration key) and the values it accepts.</summary>
public sealed class ValidationMessageTests
{
    /// <summary>Invalid values set through configuration: key, value, the message expected (setting plus range).</summary>
    public static TheoryData<string, string, string> FromConfiguration => new()
    {
        { "TypedSessions:IdleTimeout", "-00:01:00", "TypedSessions:IdleTimeout must be greater than 00:00:00 (was -00:01:00)" },
        { "TypedSessions:AbsoluteTimeout", "00:00:00", "TypedSessions:AbsoluteTimeout must be greater than 00:00:00 (was 00:00:00)" },
        { "TypedSessions:SlidingRefreshThreshold", "1.5", "TypedSessions:SlidingRefreshThreshold must be between 0 and 1 (was 1.5)" },
        { "TypedSessions:MaxSessionSize", "0", "TypedSessions:MaxSessionSize must be 1 to 8388608 bytes (8 MiB: half of the 16 MiB a store loads per session) (was 0)" },
        { "TypedSessions:MaxSessionSize", "8388609", "TypedSessions:MaxSessionSize must be 1 to 8388608 bytes (8 MiB: half of the 16 MiB a store loads per session) (was 8388609)" },
        { "TypedSessions:StoreTimeout", "00:00:00", "TypedSessions:StoreTimeout must be greater than 00:00:00 (was 00:00:00)" },
        { "TypedSessions:RetryAfter", "-00:00:01", "TypedSessions:RetryAfter must be 00:00:00 or more" },
        { "TypedSessions:CleanupInterval", "-00:00:01", "TypedSessions:CleanupInterval must be 00:00:00 or more" },
        { "TypedSessions:TombstoneLifetime", "00:00:00", "TypedSessions:TombstoneLifetime must be greater than 00:00:00 (was 00:00:00)" },
        { "TypedSessions:Cookie:Name", "bad name", "TypedSessions:Cookie:Name 'bad name' is not a valid cookie name: it must be 1 or more visible ASCII characters" },
        { "TypedSessions:Cookie:Path", "shop", "TypedSessions:Cookie:Path must start with '/' (was 'shop')" },
        { "TypedSessions:ActiveSessions:LastSeenInterval", "-00:00:01", "TypedSessions:ActiveSessions:LastSeenInterval must be 00:00:00 or more (was -00:00:01)" },
        { "TypedSessions:ActiveSessions:MaxUserAgentLength", "-1", "TypedSessions:ActiveSessions:MaxUserAgentLength must be 0 or more characters (was -1)" },
    };

    [Theory]
    [MemberData(nameof(FromConfiguration))]
    public async Task An_invalid_setting_from_configuration_fails_startup_naming_the_setting_and_its_range(string key, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.StartsWith(expected, Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameSite_None_without_Secure_names_both_settings()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(new Dictionary<string, string?>
        {
            ["TypedSessions:Cookie:SameSite"] = "None",
            ["TypedSessions:Cookie:SecurePolicy"] = "SameAsRequest",
        }));

        Assert.StartsWith("TypedSessions:Cookie:SameSite None requires TypedSessions:Cookie:SecurePolicy Always (was SameAsRequest)", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_without_any_timeout_names_both_settings()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(configure: o => (o.IdleTimeout, o.AbsoluteTimeout) = (null, null)));

        Assert.StartsWith("At least one of TypedSessions:IdleTimeout and TypedSessions:AbsoluteTimeout must be set", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    /// <summary>Enum settings set in code to an undefined value list the allowed names.</summary>
    public static TheoryData<string, string> UndefinedEnums => new()
    {
        { "Concurrency", "DetectConflicts, LastWriterWins" },
        { "LoadMode", string.Join(", ", Enum.GetNames<SessionLoadMode>()) },
        { "FailurePolicy", string.Join(", ", Enum.GetNames<StoreFailurePolicy>()) },
        { "DeployCheck", string.Join(", ", Enum.GetNames<DeployCheckMode>()) },
        { "Authentication:SignOut", string.Join(", ", Enum.GetNames<SessionSignOutBehavior>()) },
        { "Cookie:SecurePolicy", string.Join(", ", Enum.GetNames<Microsoft.AspNetCore.Http.CookieSecurePolicy>()) },
    };

    [Theory]
    [MemberData(nameof(UndefinedEnums))]
    public async Task An_undefined_enum_value_fails_startup_listing_the_allowed_values(string setting, string allowed)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(configure: o =>
        {
            switch (setting)
            {
                case "Concurrency": o.Concurrency = (SessionConcurrencyMode)42; break;
                case "LoadMode": o.LoadMode = (SessionLoadMode)42; break;
                case "FailurePolicy": o.FailurePolicy = (StoreFailurePolicy)42; break;
                case "DeployCheck": o.DeployCheck = (DeployCheckMode)42; break;
                case "Authentication:SignOut": o.Authentication.SignOut = (SessionSignOutBehavior)42; break;
                case "Cookie:SecurePolicy": o.Cookie.SecurePolicy = (Microsoft.AspNetCore.Http.CookieSecurePolicy)42; break;
            }
        }));

        Assert.Equal($"TypedSessions:{setting} must be one of {allowed} (was 42).", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task The_largest_MaxSessionSize_starts_and_the_app_serves_sessions()
    {
        // 8 MiB, half of what a store loads per session: accepted, and the app works (8388609 is refused, above).
        await using var app = await OptionsHost.StartAsync(new Dictionary<string, string?> { ["TypedSessions:MaxSessionSize"] = "8388608" });

        Assert.Equal(TypedSessionOptions.MaxSessionSizeLimit, app.Services.GetRequiredService<IOptions<TypedSessionOptions>>().Value.MaxSessionSize);
        Assert.Equal("v", await OptionsHost.RoundTripAsync(app, "v"));
    }

    [Fact]
    public async Task Every_invalid_setting_is_reported_at_once()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(new Dictionary<string, string?>
        {
            ["TypedSessions:MaxSessionSize"] = "-5",
            ["TypedSessions:StoreTimeout"] = "-00:00:01",
            ["TypedSessions:Cookie:Path"] = "x",
        }));

        Assert.Equal(3, ex.Failures.Count());
    }

    /// <summary>Encrypted cookie store settings (set in code; not bound from configuration).</summary>
    public static TheoryData<string, string> CookieStore => new()
    {
        { "ChunkSize=100", "CookieSessionStoreOptions.ChunkSize must be 256 to 4050 characters (was 100)." },
        { "ChunkSize=5000", "CookieSessionStoreOptions.ChunkSize must be 256 to 4050 characters (was 5000)." },
        { "MaxChunks=0", "CookieSessionStoreOptions.MaxChunks must be 1 to 32 (was 0)." },
        { "CompressionThreshold=-1", "CookieSessionStoreOptions.CompressionThreshold must be 0 bytes or more (was -1)." },
    };

    [Theory]
    [MemberData(nameof(CookieStore))]
    public async Task Invalid_cookie_store_settings_fail_at_startup_naming_the_setting_and_range(string assignment, string expected)
    {
        var (setting, value) = (assignment.Split('=')[0], int.Parse(assignment.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(
            new Dictionary<string, string?> { ["TypedSessions:Store"] = "Cookie" },
            stores: s => s.AddCookieStore(o =>
            {
                switch (setting)
                {
                    case "ChunkSize": o.ChunkSize = value; break;
                    case "MaxChunks": o.MaxChunks = value; break;
                    case "CompressionThreshold": o.CompressionThreshold = value; break;
                }
            })));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task A_null_distributed_cache_key_prefix_fails_at_startup()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => OptionsHost.StartAsync(
            stores: s =>
            {
                s.Services.AddDistributedMemoryCache();
                s.AddDistributedCacheStore(o => o.KeyPrefix = null!);
            }));

        Assert.Equal("TypedSessions:DistributedCache:KeyPrefix must be a string (empty for none), not null.", Assert.Single(ex.Failures));
        Assert.Equal(DistributedCacheSessionStoreOptions.SectionName + ":KeyPrefix", Assert.Single(ex.Failures).Split(' ')[0]);
    }
}
