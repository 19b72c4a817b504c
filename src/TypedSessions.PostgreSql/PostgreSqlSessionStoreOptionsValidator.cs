using Microsoft.Extensions.Options;

namespace TypedSessions.PostgreSql;

/// <summary>Rejects PostgreSQL store settings that cannot work, at startup, naming the setting and what it accepts.</summary>
internal sealed class PostgreSqlSessionStoreOptionsValidator : IValidateOptions<PostgreSqlSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlSessionStoreOptions options)
    {
        var errors = new List<string>();
        Identifier(errors, "TableName", options.TableName, 48);
        if (options.Schema is not null)
        {
            Identifier(errors, "Schema", options.Schema, 63);
        }

        if (options.CleanupBatchSize < 1)
        {
            errors.Add($"{PostgreSqlSessionStoreOptions.SectionName}:CleanupBatchSize must be at least 1 (was {options.CleanupBatchSize}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // The same rule the store applies to the names it puts into SQL (PostgreSqlSessionStore.CheckIdentifier).
    private static void Identifier(List<string> errors, string setting, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || char.IsAsciiDigit(value[0])
            || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            errors.Add($"{PostgreSqlSessionStoreOptions.SectionName}:{setting} must be 1 to {maxLength} ASCII letters, digits and underscores, not starting with a digit (was '{value}').");
        }
    }
}
