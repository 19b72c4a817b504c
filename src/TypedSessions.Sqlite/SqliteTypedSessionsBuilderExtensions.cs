using TypedSessions.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TypedSessions.Sqlite;

namespace TypedSessions;

/// <summary>Adds the SQLite store.</summary>
public static class SqliteTypedSessionsBuilderExtensions
{
    /// <summary>
    /// Uses SQLite (the embedded default). Settings bind from the configuration section <c>TypedSessions:Sqlite</c>
    /// (<see cref="SqliteSessionStoreOptions.SectionName"/>); then <paramref name="configure"/> runs, so code overrides
    /// configuration. The connection string comes from <paramref name="configure"/>, else
    /// <c>TypedSessions:Sqlite:ConnectionString</c>, else <c>TypedSessions:ConnectionString</c>, else
    /// <c>Data Source={ContentRoot}/App_Data/sessions.db</c>. Invalid settings fail at startup.
    /// </summary>
    /// <param name="builder">The TypedSessions builder.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddSqliteStore(this TypedSessionsBuilder builder, Action<SqliteSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SqliteSessionStoreOptions>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<SqliteSessionStoreOptions>) && d.ImplementationType == typeof(SqliteSessionStoreOptionsValidator)))
        {
            // First call only: the section is bound once, before any code delegate.
            options.BindStoreSection(SqliteSessionStoreOptions.SectionName);
            builder.Services.AddSingleton<IValidateOptions<SqliteSessionStoreOptions>, SqliteSessionStoreOptionsValidator>();
        }

        options.Configure<IOptions<TypedSessionOptions>, IServiceProvider>((sqlite, sessions, services) =>
        {
            sqlite.ConnectionString ??= sessions.Value.ConnectionString;
            if (string.IsNullOrEmpty(sqlite.ConnectionString))
            {
                var root = services.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
                sqlite.ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(root, "App_Data", "sessions.db") }.ToString();
            }
        });
        if (configure is not null)
        {
            builder.Services.PostConfigure(configure);
        }

        builder.Services.TryAddSingleton<SqliteSessionStore>();
        return builder.AddStore(SqliteSessionStore.StoreName, sp => sp.GetRequiredService<SqliteSessionStore>());
    }
}
