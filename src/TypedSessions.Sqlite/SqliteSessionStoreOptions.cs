using TypedSessions.Storage;

namespace TypedSessions.Sqlite;

/// <summary>Settings of <see cref="SqliteSessionStore"/>.</summary>
public sealed class SqliteSessionStoreOptions
{
    /// <summary>
    /// The configuration section the store's <c>Add…Store()</c> call binds (<c>TypedSessions:Sqlite</c>); settings
    /// set in code (the <c>configure</c> delegate) override it.
    /// </summary>
    public const string SectionName = "TypedSessions:Sqlite";

    /// <summary>
    /// The SQLite connection string. Default <c>TypedSessions:ConnectionString</c>, else
    /// <c>Data Source={ContentRoot}/App_Data/sessions.db</c>. The folder is created when missing.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table name. Default <c>typedsessions</c>.</summary>
    public string TableName { get; set; } = "typedsessions";

    /// <summary>
    /// Keys per batch of <see cref="SqliteSessionStore.DeleteExpiredAsync"/>: each batch is one range of that many keys in
    /// primary-key order, and one <c>DELETE</c> of its expired rows (so at most that many) under the write lock. Default 1,000.
    /// </summary>
    public int CleanupBatchSize { get; set; } = 1000;

    /// <summary>Decoder caps for stored sessions.</summary>
    public SessionEnvelopeLimits Limits { get; set; } = new();
}
