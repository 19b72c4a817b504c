using Microsoft.Extensions.Options;

namespace TypedSessions.Storage.Cookie;

/// <summary>Rejects encrypted cookie store settings that cannot work, at startup, naming the setting and its range.</summary>
internal sealed class CookieSessionStoreOptionsValidator : IValidateOptions<CookieSessionStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, CookieSessionStoreOptions options)
    {
        var errors = new List<string>();
        if (options.ChunkSize is < 256 or > 4050)
        {
            errors.Add($"CookieSessionStoreOptions.ChunkSize must be 256 to 4050 characters (was {options.ChunkSize}).");
        }

        if (options.MaxChunks is < 1 or > 32)
        {
            errors.Add($"CookieSessionStoreOptions.MaxChunks must be 1 to 32 (was {options.MaxChunks}).");
        }

        if (options.CompressionThreshold < 0)
        {
            errors.Add($"CookieSessionStoreOptions.CompressionThreshold must be 0 bytes or more (was {options.CompressionThreshold}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
