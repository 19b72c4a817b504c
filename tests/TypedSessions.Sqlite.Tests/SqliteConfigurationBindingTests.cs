using TypedSessions.TestSupport;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TypedSessions.Sqlite.Tests;

/// <summary><c>AddSqliteStore()</c> binds <c>TypedSessions:Sqlite</c> (in-memory settings and environment variables), code overrides it, and bad values fail startup.</summary>
public sealed class SqliteConfigurationBindingTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task The_Sqlite_section_reaches_the_options_and_the_store_uses_its_table()
    {
        await using var app = await StartAsync(new()
        {
            ["TypedSessions:Sqlite:TableName"] = "from_config",
            ["TypedSessions:Sqlite:CleanupBatchSize"] = "17",
            ["TypedSessions:Sqlite:Limits:MaxKeys"] = "33",
        });

        var options = app.Services.GetRequiredService<IOptions<SqliteSessionStoreOptions>>().Value;
        Assert.Equal("from_config", options.TableName);
        Assert.Equal(17, options.CleanupBatchSize);
        Assert.Equal(33, options.Limits.MaxKeys);
        Assert.Equal(_db.ConnectionString, options.ConnectionString); // TypedSessions:ConnectionString still applies
        await SetAsync(app);
        Assert.Equal(1L, await CountRowsAsync("from_config"));
    }

    [Fact]
    public async Task Environment_variables_reach_the_Sqlite_section_and_its_own_connection_string_wins()
    {
        var prefix = "TSTEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        var other = new TempDatabase();
        Environment.SetEnvironmentVariable(prefix + "TypedSessions__Sqlite__TableName", "from_env");
        Environment.SetEnvironmentVariable(prefix + "TypedSessions__Sqlite__ConnectionString", other.ConnectionString);
        try
        {
            await using var app = await StartAsync([], configuration: c => c.AddEnvironmentVariables(prefix));

            var options = app.Services.GetRequiredService<IOptions<SqliteSessionStoreOptions>>().Value;
            Assert.Equal("from_env", options.TableName);
            Assert.Equal(other.ConnectionString, options.ConnectionString);
            await SetAsync(app);
            Assert.True(File.Exists(other.Path_));
            Assert.False(File.Exists(_db.Path_));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "TypedSessions__Sqlite__TableName", null);
            Environment.SetEnvironmentVariable(prefix + "TypedSessions__Sqlite__ConnectionString", null);
            SqliteConnection.ClearAllPools();
            other.Dispose();
        }
    }

    [Fact]
    public async Task Code_overrides_the_Sqlite_section()
    {
        await using var app = await StartAsync(
            new() { ["TypedSessions:Sqlite:TableName"] = "from_config", ["TypedSessions:Sqlite:CleanupBatchSize"] = "17" },
            o => o.TableName = "from_code");

        var options = app.Services.GetRequiredService<IOptions<SqliteSessionStoreOptions>>().Value;
        Assert.Equal("from_code", options.TableName);
        Assert.Equal(17, options.CleanupBatchSize);
    }

    [Theory]
    [InlineData("TypedSessions:Sqlite:TableName", "bad name", "TypedSessions:Sqlite:TableName must be 1 or more ASCII letters, digits and underscores (was 'bad name').")]
    [InlineData("TypedSessions:Sqlite:CleanupBatchSize", "0", "TypedSessions:Sqlite:CleanupBatchSize must be at least 1 (was 0).")]
    public async Task An_invalid_Sqlite_setting_fails_startup_naming_the_setting_and_its_range(string key, string value, string expected)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [key] = value }));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    private Task<WebApplication> StartAsync(Dictionary<string, string?> settings, Action<SqliteSessionStoreOptions>? configure = null, Action<IConfigurationBuilder>? configuration = null)
    {
        settings["TypedSessions:ConnectionString"] = _db.ConnectionString;
        settings["TypedSessions:CleanupInterval"] = "00:00:00";
        return OptionsHost.StartAsync(settings, stores: b => b.AddSqliteStore(configure), configuration: configuration);
    }

    private static async Task SetAsync(WebApplication app)
    {
        using var client = app.GetTestClient();
        var response = await client.PostAsync(new Uri("https://localhost/set?value=v"), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<long> CountRowsAsync(string table)
    {
        await using var connection = new SqliteConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
