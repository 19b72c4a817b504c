using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace TypedSessions.AspNetCore;

/// <summary>Rejects settings that cannot work, at startup.</summary>
internal sealed class TypedSessionOptionsValidator : IValidateOptions<TypedSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, TypedSessionOptions options)
    {
        var errors = new List<string>();
        if (options.IdleTimeout is null && options.AbsoluteTimeout is null)
        {
            errors.Add("At least one of TypedSessions:IdleTimeout and TypedSessions:AbsoluteTimeout must be set; a session must end.");
        }

        if (options.IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            errors.Add($"TypedSessions:IdleTimeout must be positive (was {idle}).");
        }

        if (options.AbsoluteTimeout is { } absolute && absolute <= TimeSpan.Zero)
        {
            errors.Add($"TypedSessions:AbsoluteTimeout must be positive (was {absolute}).");
        }

        if (double.IsNaN(options.SlidingRefreshThreshold) || options.SlidingRefreshThreshold is < 0 or > 1)
        {
            errors.Add($"TypedSessions:SlidingRefreshThreshold must be between 0 and 1 (was {options.SlidingRefreshThreshold}).");
        }

        if (options.MaxSessionSize <= 0)
        {
            errors.Add($"TypedSessions:MaxSessionSize must be positive (was {options.MaxSessionSize}).");
        }

        if (options.StoreTimeout <= TimeSpan.Zero)
        {
            errors.Add($"TypedSessions:StoreTimeout must be positive (was {options.StoreTimeout}).");
        }

        if (options.RetryAfter < TimeSpan.Zero || options.CleanupInterval < TimeSpan.Zero)
        {
            errors.Add("TypedSessions:RetryAfter and TypedSessions:CleanupInterval must not be negative.");
        }

        if (options.TombstoneLifetime <= TimeSpan.Zero)
        {
            errors.Add($"TypedSessions:TombstoneLifetime must be positive (was {options.TombstoneLifetime}); without tombstones a request racing a login would be answered as a new visitor.");
        }

        if (!Enum.IsDefined(options.Concurrency))
        {
            errors.Add($"TypedSessions:Concurrency must be DetectConflicts or LastWriterWins (was {options.Concurrency}).");
        }

        var cookie = options.Cookie;
        if (string.IsNullOrEmpty(cookie.Name) || cookie.Name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)))
        {
            errors.Add($"TypedSessions:Cookie:Name '{cookie.Name}' is not a valid cookie name.");
        }

        if (string.IsNullOrEmpty(cookie.Path) || cookie.Path[0] != '/')
        {
            errors.Add($"TypedSessions:Cookie:Path must start with '/' (was '{cookie.Path}').");
        }

        if (cookie.SameSite == SameSiteMode.None && cookie.SecurePolicy != CookieSecurePolicy.Always)
        {
            errors.Add("TypedSessions:Cookie:SameSite None requires SecurePolicy Always; browsers reject SameSite=None cookies without Secure.");
        }

        if (options.SerializerOptions is null)
        {
            errors.Add("TypedSessions SerializerOptions must not be null.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
