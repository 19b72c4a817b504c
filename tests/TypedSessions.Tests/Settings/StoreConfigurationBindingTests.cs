using TypedSessions.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TypedSessions.Storage;
using TypedSessions.Storage.DistributedCache;
using TypedSessions.Storage.File;

namespace TypedSessions.Tests.Settings;

/// <summary>The built-in stores' <c>TypedSessions:DistributedCache</c> and <c>TypedSessions:File</c> sections reach their options.</summary>
public sealed class StoreConfigurationBindingTests
{
    [Fact]
    public async Task The_distributed_cache_section_binds_from_configuration_and_the_store_uses_it()
    {
        await using var app = await OptionsHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TypedSessions:DistributedCache:KeyPrefix"] = "from-config:",
                ["TypedSessions:DistributedCache:Limits:MaxKeys"] = "77",
            },
            stores: s =>
            {
                s.Services.AddDistributedMemoryCache();
                s.AddDistributedCacheStore();
            });

        var options = app.Services.GetRequiredService<IOptions<DistributedCacheSessionStoreOptions>>().Value;
        Assert.Equal("from-config:", options.KeyPrefix);
        Assert.Equal(77, options.Limits.MaxKeys);
        Assert.Equal(10_000, SessionEnvelopeLimits.Default.MaxKeys); // binding made a copy, not a change to the shared default

        // The store the app runs with was built from these options.
        Assert.IsType<DistributedCacheSessionStore>(app.Services.GetRequiredService<ISessionStore>());
        Assert.Equal("v", await OptionsHost.RoundTripAsync(app, "v"));
    }

    [Fact]
    public async Task Code_overrides_configuration_and_configuration_fills_what_code_leaves()
    {
        await using var app = await OptionsHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["TypedSessions:DistributedCache:KeyPrefix"] = "from-config:",
                ["TypedSessions:DistributedCache:Limits:MaxKeyBytes"] = "300",
            },
            stores: s =>
            {
                s.Services.AddDistributedMemoryCache();
                s.AddDistributedCacheStore(o => o.KeyPrefix = "from-code:");
            });

        var options = app.Services.GetRequiredService<IOptions<DistributedCacheSessionStoreOptions>>().Value;
        Assert.Equal("from-code:", options.KeyPrefix);
        Assert.Equal(300, options.Limits.MaxKeyBytes);
    }

    [Fact]
    public async Task Environment_variables_reach_the_file_store_section()
    {
        var prefix = "TSTEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        var folder = Path.Combine(Path.GetTempPath(), "ts-env-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable(prefix + "TypedSessions__File__Folder", folder);
        Environment.SetEnvironmentVariable(prefix + "TypedSessions__File__Limits__MaxKeys", "12");
        try
        {
            await using var app = await OptionsHost.StartAsync(
                new Dictionary<string, string?> { ["TypedSessions:Store"] = "File", ["TypedSessions:Folder"] = "ignored-when-File-Folder-is-set" },
                stores: s => s.AddFileStore(),
                configuration: c => c.AddEnvironmentVariables(prefix));

            var options = app.Services.GetRequiredService<IOptions<FileSessionStoreOptions>>().Value;
            Assert.Equal(folder, options.Folder);
            Assert.Equal(12, options.Limits.MaxKeys);
            Assert.Equal("v", await OptionsHost.RoundTripAsync(app, "v"));
            Assert.Single(Directory.GetFiles(folder, "*.session", SearchOption.AllDirectories));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "TypedSessions__File__Folder", null);
            Environment.SetEnvironmentVariable(prefix + "TypedSessions__File__Limits__MaxKeys", null);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Without_a_File_section_the_folder_still_comes_from_TypedSessions_Folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ts-folder-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var app = await OptionsHost.StartAsync(
                new Dictionary<string, string?> { ["TypedSessions:Store"] = "File", ["TypedSessions:Folder"] = folder },
                stores: s => s.AddFileStore());

            Assert.Equal(folder, app.Services.GetRequiredService<IOptions<FileSessionStoreOptions>>().Value.Folder);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

}
