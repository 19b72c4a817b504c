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
    /// Uses SQLite (the embedded default). The connection string comes from <paramref name="configure"/>,
    /// else <c>TypedSessions:ConnectionString</c>, else <c>Data Source={ContentRoot}/App_Data/sessions.db</c>.
    /// </summary>
    /// <param name="builder">The TypedSessions builder.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddSqliteStore(this TypedSessionsBuilder builder, Action<SqliteSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqliteSessionStoreOptions>().Configure<IOptions<TypedSessionOptions>, IServiceProvider>((sqlite, sessions, services) =>
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
