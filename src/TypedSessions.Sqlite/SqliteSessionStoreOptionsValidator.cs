using Microsoft.Extensions.Options;

namespace TypedSessions.Sqlite;

/// <summary>Rejects SQLite store settings that cannot work, at startup, naming the setting and what it accepts.</summary>
internal sealed class SqliteSessionStoreOptionsValidator : IValidateOptions<SqliteSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteSessionStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.TableName) || !options.TableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            errors.Add($"{SqliteSessionStoreOptions.SectionName}:TableName must be 1 or more ASCII letters, digits and underscores (was '{options.TableName}').");
        }

        if (options.CleanupBatchSize < 1)
        {
            errors.Add($"{SqliteSessionStoreOptions.SectionName}:CleanupBatchSize must be at least 1 (was {options.CleanupBatchSize}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
