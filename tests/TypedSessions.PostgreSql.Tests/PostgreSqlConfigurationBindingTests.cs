using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSessions.TestSupport;

namespace TypedSessions.PostgreSql.Tests;

/// <summary><c>AddPostgreSqlStore()</c> binds <c>TypedSessions:PostgreSql</c> (in-memory settings and environment variables), code overrides it, and bad values fail startup.</summary>
public sealed class PostgreSqlConfigurationBindingTests
{
    [Fact]
    public async Task The_PostgreSql_section_reaches_the_options_and_the_store_creates_and_uses_its_table()
    {
        var table = TestPostgres.NewTableName();
        try
        {
            await using var app = await StartAsync(new()
            {
                ["TypedSessions:PostgreSql:TableName"] = table,
                ["TypedSessions:PostgreSql:Schema"] = "public",
                ["TypedSessions:PostgreSql:CleanupBatchSize"] = "40",
                ["TypedSessions:PostgreSql:Limits:MaxKeys"] = "99",
            });

            var options = app.Services.GetRequiredService<IOptions<PostgreSqlSessionStoreOptions>>().Value;
            Assert.Equal(table, options.TableName);
            Assert.Equal("public", options.Schema);
            Assert.Equal(40, options.CleanupBatchSize);
            Assert.Equal(99, options.Limits.MaxKeys);
            Assert.True(options.CreateSchemaOnFirstUse);
            Assert.Equal(TestServers.Postgres, options.ConnectionString); // TypedSessions:ConnectionString still applies
            await SetAsync(app);
            Assert.Equal(1L, await TestPostgres.ScalarAsync($"SELECT COUNT(*) FROM public.\"{table}\""));
        }
        finally
        {
            await TestPostgres.DropTableAsync(table);
        }
    }

    [Fact]
    public async Task Environment_variables_reach_the_PostgreSql_section()
    {
        var table = TestPostgres.NewTableName();
        var variables = "TSTEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(variables + "TypedSessions__PostgreSql__TableName", table);
        Environment.SetEnvironmentVariable(variables + "TypedSessions__PostgreSql__CreateSchemaOnFirstUse", "false");
        try
        {
            await using var app = await StartAsync([], configuration: c => c.AddEnvironmentVariables(variables));

            var options = app.Services.GetRequiredService<IOptions<PostgreSqlSessionStoreOptions>>().Value;
            Assert.Equal(table, options.TableName);
            Assert.False(options.CreateSchemaOnFirstUse);

            // Not created on first use, as configured: the store's migration creates it, then a request uses it.
            await app.Services.GetRequiredService<PostgreSqlSessionStore>().EnsureSchemaAsync();
            await SetAsync(app);
            Assert.Equal(1L, await TestPostgres.ScalarAsync($"SELECT COUNT(*) FROM \"{table}\""));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variables + "TypedSessions__PostgreSql__TableName", null);
            Environment.SetEnvironmentVariable(variables + "TypedSessions__PostgreSql__CreateSchemaOnFirstUse", null);
            await TestPostgres.DropTableAsync(table);
        }
    }

    [Fact]
    public async Task Code_overrides_the_PostgreSql_section()
    {
        await using var app = await StartAsync(
            new() { ["TypedSessions:PostgreSql:TableName"] = "from_config", ["TypedSessions:PostgreSql:CleanupBatchSize"] = "40" },
            o => o.TableName = "from_code");

        var options = app.Services.GetRequiredService<IOptions<PostgreSqlSessionStoreOptions>>().Value;
        Assert.Equal("from_code", options.TableName);
        Assert.Equal(40, options.CleanupBatchSize);
    }

    [Theory]
    [InlineData("TypedSessions:PostgreSql:TableName", "9lives", "TypedSessions:PostgreSql:TableName must be 1 to 48 ASCII letters, digits and underscores, not starting with a digit (was '9lives').")]
    [InlineData("TypedSessions:PostgreSql:TableName", "a_table_name_that_is_far_too_long_for_the_store_x", "TypedSessions:PostgreSql:TableName must be 1 to 48 ASCII letters, digits and underscores, not starting with a digit (was 'a_table_name_that_is_far_too_long_for_the_store_x').")]
    [InlineData("TypedSessions:PostgreSql:Schema", "my-schema", "TypedSessions:PostgreSql:Schema must be 1 to 63 ASCII letters, digits and underscores, not starting with a digit (was 'my-schema').")]
    [InlineData("TypedSessions:PostgreSql:CleanupBatchSize", "0", "TypedSessions:PostgreSql:CleanupBatchSize must be at least 1 (was 0).")]
    public async Task An_invalid_PostgreSql_setting_fails_startup_naming_the_setting_and_its_range(string key, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [key] = value }));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    private static Task<WebApplication> StartAsync(Dictionary<string, string?> settings, Action<PostgreSqlSessionStoreOptions>? configure = null, Action<IConfigurationBuilder>? configuration = null)
    {
        settings["TypedSessions:ConnectionString"] = TestServers.Postgres;
        settings["TypedSessions:CleanupInterval"] = "00:00:00";
        return OptionsHost.StartAsync(settings, stores: b => b.AddPostgreSqlStore(configure), configuration: configuration);
    }

    private static async Task SetAsync(WebApplication app)
    {
        using var client = app.GetTestClient();
        var response = await client.PostAsync(new Uri("https://localhost/set?value=v"), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
