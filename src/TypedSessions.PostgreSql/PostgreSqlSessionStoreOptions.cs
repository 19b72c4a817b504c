using Npgsql;
using TypedSessions.Storage;

namespace TypedSessions.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlSessionStore"/>.</summary>
public sealed class PostgreSqlSessionStoreOptions
{
    /// <summary>
    /// The configuration section the store's <c>Add…Store()</c> call binds (<c>TypedSessions:PostgreSql</c>); settings
    /// set in code (the <c>configure</c> delegate) override it.
    /// </summary>
    public const string SectionName = "TypedSessions:PostgreSql";

    /// <summary>
    /// The Npgsql connection string. Default <c>TypedSessions:ConnectionString</c>. Ignored when
    /// <see cref="DataSource"/> is set. When neither is set, an <see cref="NpgsqlDataSource"/> registered
    /// in the service container is used. Bound the connect and command times here
    /// (<c>Timeout</c>, <c>Command Timeout</c>); the pipeline's store timeout bounds each call as well.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>A data source to use instead of <see cref="ConnectionString"/>; the store does not dispose it.</summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>The schema holding the table, or <see langword="null"/> for the connection's <c>search_path</c> (usually <c>public</c>).</summary>
    public string? Schema { get; set; }

    /// <summary>The table name. Default <c>typedsessions</c>. Letters, digits and underscores, at most 48 characters.</summary>
    public string TableName { get; set; } = "typedsessions";

    /// <summary>
    /// Whether the table and indexes are created on first use. Default <see langword="true"/>. Turn it off
    /// when the app's database user may not create tables, and run
    /// <see cref="PostgreSqlSessionStore.EnsureSchemaAsync"/> (or the SQL from
    /// <see cref="PostgreSqlSessionStore.GetSchemaScript"/>) as a migration instead.
    /// </summary>
    public bool CreateSchemaOnFirstUse { get; set; } = true;

    /// <summary>Rows deleted per statement by <see cref="PostgreSqlSessionStore.DeleteExpiredAsync"/>. Default 1,000.</summary>
    public int CleanupBatchSize { get; set; } = 1000;

    /// <summary>Decoder caps for stored sessions (number of keys, key length, user key length).</summary>
    public SessionEnvelopeLimits Limits { get; set; } = new();
}
