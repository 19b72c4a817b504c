using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using TypedSessions.PostgreSql;
using TypedSessions.Redis;
using TypedSessions.Sqlite;
using TypedSessions.Storage;
using TypedSessions.Storage.File;
using TypedSessions.Storage.Memory;

namespace TypedSessions.Cli;

/// <summary>
/// Opens the store an app uses, the way the app does: the <c>TypedSessions</c> configuration section
/// (<c>Store</c>, <c>ConnectionString</c>, <c>Folder</c>, and the <c>Sqlite</c>/<c>PostgreSql</c>/<c>Redis</c>
/// subsections, as in the ShopSample) bound through <c>AddTypedSessions()</c> and the stores' own
/// <c>Add…Store()</c> methods, with command-line values laid over it.
/// </summary>
internal static class StoreFactory
{
    /// <summary>The stores the tool can open, as <c>--store</c> spells them.</summary>
    public static readonly string[] Names = ["sqlite", "postgresql", "redis", "file"];

    private const string Root = TypedSessionOptions.SectionName;

    /// <summary>Builds the store; throws <see cref="CliException"/> with a usage or configuration exit code.</summary>
    /// <param name="arguments">The command line's store arguments.</param>
    /// <returns>The open store; dispose it when done.</returns>
    public static OpenedStore Open(StoreArguments arguments)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var contentRoot = Directory.GetCurrentDirectory();
        if (arguments.ConfigPath is { } configPath)
        {
            var path = Path.GetFullPath(configPath);
            contentRoot = Path.GetDirectoryName(path)!;
            foreach (var (key, value) in ReadSection(path, arguments.Section))
            {
                values[Root + ":" + key] = value;
            }
        }

        if (arguments.Store is { } store)
        {
            values[Root + ":Store"] = store;
        }

        var name = values.GetValueOrDefault(Root + ":Store");
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CliException(ExitCodes.Configuration,
                "No store is chosen: pass --store (" + string.Join(", ", Names) + "), or --config with an appsettings.json whose " +
                $"{arguments.Section}:Store names one.");
        }

        var kind = Canonical(name);
        if (arguments.Table is not null && kind is not (SqliteSessionStore.StoreName or PostgreSqlSessionStore.StoreName))
        {
            throw new CliException(ExitCodes.Usage, $"--table applies to the sqlite and postgresql stores, not to {name}.");
        }

        if (arguments.KeyPrefix is not null && kind != RedisSessionStore.StoreName)
        {
            throw new CliException(ExitCodes.Usage, $"--key-prefix applies to the redis store, not to {name}.");
        }

        if (arguments.Connection is { } connection)
        {
            // The app reads the file store's folder from TypedSessions:Folder and every other store's connection from ConnectionString.
            values[Root + (kind == FileSessionStore.StoreName ? ":Folder" : ":ConnectionString")] = connection;
        }

        if (arguments.Table is { } table)
        {
            values[$"{Root}:{kind}:TableName"] = table;
        }

        if (arguments.KeyPrefix is { } prefix)
        {
            values[Root + ":Redis:KeyPrefix"] = prefix;
        }

        if (arguments.BatchSize is { } batch)
        {
            values[$"{Root}:{kind}:CleanupBatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new ToolHostEnvironment(contentRoot));

        // Each Add…Store() binds its own section (TypedSessions:Sqlite, :PostgreSql, :Redis, :File) from the IConfiguration above.
        services.AddTypedSessions().AddSqliteStore().AddFileStore().AddPostgreSqlStore().AddRedisStore();

        // A tool should fail fast when Redis is down, not wait for it to come back as an app does.
        services.PostConfigure<RedisSessionStoreOptions>(redis =>
        {
            if (redis.ConnectionString is { Length: > 0 } text)
            {
                redis.ConnectionString = AddIfMissing(AddIfMissing(text, "abortConnect", "true"), "connectTimeout", "5000");
            }
        });

        var provider = services.BuildServiceProvider();
        try
        {
            if (kind == SqliteSessionStore.StoreName)
            {
                ThrowIfNoDatabaseFile(provider);
            }

            var opened = provider.GetRequiredService<ISessionStore>();
            return new OpenedStore(provider, provider.GetRequiredService<ISessionManager>(), opened, kind, Describe(provider, opened));
        }
        catch (CliException)
        {
            provider.Dispose();
            throw;
        }
        catch (Exception ex)
        {
            provider.Dispose();
            throw new CliException(ExitCodes.Configuration, $"Cannot set up the {kind} store: {ex.Message}", ex);
        }
    }

    private static IEnumerable<KeyValuePair<string, string?>> ReadSection(string path, string sectionName)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Configuration, $"Config file '{path}' does not exist.");
        }

        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(new PhysicalFileProvider(Path.GetDirectoryName(path)!), Path.GetFileName(path), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Configuration, $"Cannot read config file '{path}': {ex.GetBaseException().Message}", ex);
        }

        var section = file.GetSection(sectionName);
        if (!section.Exists())
        {
            throw new CliException(ExitCodes.Configuration, $"Config file '{path}' has no '{sectionName}' section.");
        }

        return section.AsEnumerable(makePathsRelative: true).Where(pair => pair.Value is not null);
    }

    private static string Canonical(string name)
    {
        foreach (var known in (string[])[SqliteSessionStore.StoreName, PostgreSqlSessionStore.StoreName, RedisSessionStore.StoreName, FileSessionStore.StoreName])
        {
            if (string.Equals(name, known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        if (string.Equals(name, MemorySessionStore.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Configuration, "The Memory store lives inside the app's process; a separate tool cannot reach it.");
        }

        throw new CliException(ExitCodes.Configuration, $"Store '{name}' is not one this tool can open ({string.Join(", ", Names)}).");
    }

    // The store creates a missing database file, which is right for an app and wrong for a tool: a mistyped
    // path would report "0 sessions" from a new empty file instead of an error.
    private static void ThrowIfNoDatabaseFile(IServiceProvider services)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SqliteSessionStoreOptions>>().Value.ConnectionString);
        if (connection.Mode != Microsoft.Data.Sqlite.SqliteOpenMode.Memory && connection.DataSource is { Length: > 0 } file && file != ":memory:"
            && !File.Exists(Path.GetFullPath(file)))
        {
            throw new CliException(ExitCodes.Configuration, $"The SQLite database '{Path.GetFullPath(file)}' does not exist.");
        }
    }

    private static string AddIfMissing(string configuration, string option, string value)
        => configuration.Contains(option, StringComparison.OrdinalIgnoreCase) ? configuration : $"{configuration},{option}={value}";

    // Where the data is, without credentials: a file path or folder, a table, a key prefix.
    private static string Describe(IServiceProvider services, ISessionStore store) => store switch
    {
        SqliteSessionStore => "file " + new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SqliteSessionStoreOptions>>().Value.ConnectionString).DataSource,
        FileSessionStore file => "folder " + file.Folder,
        PostgreSqlSessionStore postgres => "table " + postgres.TableName,
        RedisSessionStore redis => "key prefix " + redis.KeyPrefix,
        _ => string.Empty,
    };

    private sealed class ToolHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "typedsessions";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>A store opened by <see cref="StoreFactory"/>, with the container that owns it.</summary>
/// <param name="Services">Owns the store; disposing it closes the store's connections.</param>
/// <param name="Sessions">The app's session manager over the store: every command goes through it.</param>
/// <param name="Store">The store (for its name, location and capabilities).</param>
/// <param name="Name">The store's name (<c>Sqlite</c>, <c>PostgreSql</c>, <c>Redis</c>, <c>File</c>).</param>
/// <param name="Location">Where the data is, without credentials; empty when not known.</param>
internal sealed record OpenedStore(ServiceProvider Services, ISessionManager Sessions, ISessionStore Store, string Name, string Location) : IAsyncDisposable
{
    /// <summary>The store's name and location, for messages.</summary>
    public string Display => Location.Length == 0 ? Name : $"{Name} ({Location})";

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
