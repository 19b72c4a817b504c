using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSessions.TestSupport;

namespace TypedSessions.Redis.Tests;

/// <summary><c>AddRedisStore()</c> binds <c>TypedSessions:Redis</c> (in-memory settings and environment variables), code overrides it, and bad values fail startup.</summary>
public sealed class RedisConfigurationBindingTests
{
    [Fact]
    public async Task The_Redis_section_reaches_the_options_and_the_store_writes_under_its_prefix()
    {
        var prefix = TestRedis.NewPrefix();
        try
        {
            await using var app = await StartAsync(new()
            {
                ["TypedSessions:Redis:KeyPrefix"] = prefix,
                ["TypedSessions:Redis:Database"] = "0",
                ["TypedSessions:Redis:CleanupBatchSize"] = "250",
                ["TypedSessions:Redis:Limits:MaxKeyBytes"] = "512",
            });

            var options = app.Services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
            Assert.Equal(prefix, options.KeyPrefix);
            Assert.Equal(0, options.Database);
            Assert.Equal(250, options.CleanupBatchSize);
            Assert.Equal(512, options.Limits.MaxKeyBytes);
            Assert.Equal(TestServers.Redis, options.ConnectionString); // TypedSessions:ConnectionString still applies
            await SetAsync(app);
            Assert.Equal(1, await CountKeysAsync(prefix));
        }
        finally
        {
            await TestRedis.DeletePrefixAsync(prefix);
        }
    }

    [Fact]
    public async Task Environment_variables_reach_the_Redis_section()
    {
        var prefix = TestRedis.NewPrefix();
        var variables = "TSTEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(variables + "TypedSessions__Redis__KeyPrefix", prefix);
        Environment.SetEnvironmentVariable(variables + "TypedSessions__Redis__CleanupBatchSize", "5");
        try
        {
            await using var app = await StartAsync([], configuration: c => c.AddEnvironmentVariables(variables));

            var options = app.Services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
            Assert.Equal(prefix, options.KeyPrefix);
            Assert.Equal(5, options.CleanupBatchSize);
            await SetAsync(app);
            Assert.Equal(1, await CountKeysAsync(prefix));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variables + "TypedSessions__Redis__KeyPrefix", null);
            Environment.SetEnvironmentVariable(variables + "TypedSessions__Redis__CleanupBatchSize", null);
            await TestRedis.DeletePrefixAsync(prefix);
        }
    }

    [Fact]
    public async Task Code_overrides_the_Redis_section()
    {
        await using var app = await StartAsync(
            new() { ["TypedSessions:Redis:KeyPrefix"] = "from-config:", ["TypedSessions:Redis:CleanupBatchSize"] = "250" },
            o => o.KeyPrefix = "from-code:");

        var options = app.Services.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;
        Assert.Equal("from-code:", options.KeyPrefix);
        Assert.Equal(250, options.CleanupBatchSize);
    }

    [Theory]
    [InlineData("TypedSessions:Redis:Database", "-2", "TypedSessions:Redis:Database must be -1 (the connection's default) or a database number 0 or more (was -2).")]
    [InlineData("TypedSessions:Redis:CleanupBatchSize", "0", "TypedSessions:Redis:CleanupBatchSize must be at least 1 (was 0).")]
    [InlineData("TypedSessions:Redis:WaitForReplicas", "-1", "TypedSessions:Redis:WaitForReplicas must be 0 (do not wait) or a number of replicas, 1 or more (was -1).")]
    [InlineData("TypedSessions:Redis:ReplicaWaitTimeout", "00:00:00", "TypedSessions:Redis:ReplicaWaitTimeout must be at least 1 millisecond (was 00:00:00).")]
    public async Task An_invalid_Redis_setting_fails_startup_naming_the_setting_and_its_range(string key, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [key] = value }));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task A_null_Redis_key_prefix_fails_startup()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync([], o => o.KeyPrefix = null!));

        Assert.Equal("TypedSessions:Redis:KeyPrefix must be a string (empty for none), not null.", Assert.Single(ex.Failures));
    }

    private static Task<WebApplication> StartAsync(Dictionary<string, string?> settings, Action<RedisSessionStoreOptions>? configure = null, Action<IConfigurationBuilder>? configuration = null)
    {
        settings["TypedSessions:ConnectionString"] = TestServers.Redis;
        settings["TypedSessions:CleanupInterval"] = "00:00:00";
        return OptionsHost.StartAsync(settings, stores: b => b.AddRedisStore(configure), configuration: configuration);
    }

    private static async Task SetAsync(WebApplication app)
    {
        using var client = app.GetTestClient();
        var response = await client.PostAsync(new Uri("https://localhost/set?value=v"), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task<int> CountKeysAsync(string prefix)
    {
        var connection = await TestRedis.ConnectionAsync();
        var count = 0;
        await foreach (var _ in connection.GetServers().Single().KeysAsync(pattern: prefix + "*"))
        {
            count++;
        }

        return count;
    }

}
