using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using TypedSessions.PostgreSql;

namespace TypedSessions;

/// <summary>Adds the PostgreSQL store.</summary>
public static class PostgreSqlTypedSessionsBuilderExtensions
{
    /// <summary>
    /// Uses PostgreSQL (store name <c>PostgreSql</c>). The connection comes from <paramref name="configure"/>
    /// (<see cref="PostgreSqlSessionStoreOptions.DataSource"/> or <see cref="PostgreSqlSessionStoreOptions.ConnectionString"/>),
    /// else <c>TypedSessions:ConnectionString</c>, else an <see cref="NpgsqlDataSource"/> registered in the
    /// service container. The table is created on first use unless
    /// <see cref="PostgreSqlSessionStoreOptions.CreateSchemaOnFirstUse"/> is turned off.
    /// </summary>
    /// <param name="builder">The TypedSessions builder.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddPostgreSqlStore(this TypedSessionsBuilder builder, Action<PostgreSqlSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PostgreSqlSessionStoreOptions>().Configure<IOptions<TypedSessionOptions>>((pg, sessions) =>
            pg.ConnectionString ??= sessions.Value.ConnectionString);
        if (configure is not null)
        {
            builder.Services.PostConfigure(configure);
        }

        builder.Services.TryAddSingleton(sp => new PostgreSqlSessionStore(
            sp.GetRequiredService<IOptions<PostgreSqlSessionStoreOptions>>(),
            sp.GetService<NpgsqlDataSource>()));
        return builder.AddStore(PostgreSqlSessionStore.StoreName, sp => sp.GetRequiredService<PostgreSqlSessionStore>());
    }
}
