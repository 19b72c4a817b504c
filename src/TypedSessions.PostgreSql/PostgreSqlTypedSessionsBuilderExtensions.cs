using TypedSessions.Storage;
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
    /// Uses PostgreSQL (store name <c>PostgreSql</c>). Settings bind from the configuration section
    /// <c>TypedSessions:PostgreSql</c> (<see cref="PostgreSqlSessionStoreOptions.SectionName"/>: <c>TableName</c>,
    /// <c>Schema</c>, <c>CreateSchemaOnFirstUse</c>, <c>CleanupBatchSize</c>, <c>ConnectionString</c>, <c>Limits</c>); then
    /// <paramref name="configure"/> runs, so code overrides configuration. Invalid settings fail at startup.
    /// The connection comes from <paramref name="configure"/>
    /// (<see cref="PostgreSqlSessionStoreOptions.DataSource"/> or <see cref="PostgreSqlSessionStoreOptions.ConnectionString"/>),
    /// else <c>TypedSessions:PostgreSql:ConnectionString</c>, else <c>TypedSessions:ConnectionString</c>, else an <see cref="NpgsqlDataSource"/> registered in the
    /// service container. The table is created on first use unless
    /// <see cref="PostgreSqlSessionStoreOptions.CreateSchemaOnFirstUse"/> is turned off.
    /// </summary>
    /// <param name="builder">The TypedSessions builder.</param>
    /// <param name="configure">Optional settings.</param>
    /// <returns>The builder.</returns>
    public static TypedSessionsBuilder AddPostgreSqlStore(this TypedSessionsBuilder builder, Action<PostgreSqlSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PostgreSqlSessionStoreOptions>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<PostgreSqlSessionStoreOptions>) && d.ImplementationType == typeof(PostgreSqlSessionStoreOptionsValidator)))
        {
            // First call only: the section is bound once, before any code delegate.
            options.BindStoreSection(PostgreSqlSessionStoreOptions.SectionName);
            builder.Services.AddSingleton<IValidateOptions<PostgreSqlSessionStoreOptions>, PostgreSqlSessionStoreOptionsValidator>();
        }

        options.Configure<IOptions<TypedSessionOptions>>((pg, sessions) =>
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
