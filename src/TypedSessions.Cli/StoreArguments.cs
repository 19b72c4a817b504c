namespace TypedSessions.Cli;

/// <summary>How the command line says which store to open (every value is optional; configuration fills the rest).</summary>
/// <param name="Store">The store name (<c>--store</c>).</param>
/// <param name="Connection">The connection string, or the folder for the file store (<c>--connection</c>).</param>
/// <param name="ConfigPath">An app's <c>appsettings.json</c> (<c>--config</c>).</param>
/// <param name="Section">The configuration section that holds the TypedSessions settings (<c>--section</c>).</param>
/// <param name="Table">The table of the SQLite or PostgreSQL store (<c>--table</c>).</param>
/// <param name="KeyPrefix">The key prefix of the Redis store (<c>--key-prefix</c>).</param>
/// <param name="BatchSize">Sessions deleted or scanned per batch (<c>--batch-size</c>).</param>
internal sealed record StoreArguments(string? Store, string? Connection, string? ConfigPath, string Section, string? Table, string? KeyPrefix, int? BatchSize);
