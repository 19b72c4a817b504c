using System.Globalization;
using MessagePack;
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
            errors.Add("At least one of TypedSessions:IdleTimeout and TypedSessions:AbsoluteTimeout must be set (a duration greater than 00:00:00); a session must end.");
        }

        Positive(errors, "IdleTimeout", options.IdleTimeout);
        Positive(errors, "AbsoluteTimeout", options.AbsoluteTimeout);
        if (double.IsNaN(options.SlidingRefreshThreshold) || options.SlidingRefreshThreshold is < 0 or > 1)
        {
            errors.Add($"TypedSessions:SlidingRefreshThreshold must be between 0 and 1 (was {options.SlidingRefreshThreshold.ToString(CultureInfo.InvariantCulture)}).");
        }

        // At most half of what a store loads per session (SessionEnvelopeLimits.MaxEnvelopeBytes, 16 MiB): room for the
        // envelope's framing and for concurrent requests that each add to a session (the limit is checked per request).
        // With the stores that keep one envelope per session (SQLite, file, IDistributedCache) a larger session would be
        // written and then refused by every load, i.e. lost.
        if (options.MaxSessionSize is <= 0 or > TypedSessionOptions.MaxSessionSizeLimit)
        {
            errors.Add($"TypedSessions:MaxSessionSize must be 1 to {TypedSessionOptions.MaxSessionSizeLimit} bytes (8 MiB: half of the 16 MiB a store loads per session) (was {options.MaxSessionSize}).");
        }

        Positive(errors, "StoreTimeout", options.StoreTimeout);
        NotNegative(errors, "RetryAfter", options.RetryAfter, " (00:00:00 sends Retry-After: 0)");
        NotNegative(errors, "CleanupInterval", options.CleanupInterval, " (00:00:00 turns cleanup off)");
        Positive(errors, "TombstoneLifetime", options.TombstoneLifetime, "; without tombstones a request racing a login would be answered as a new visitor");
        Defined(errors, "Concurrency", options.Concurrency);
        Defined(errors, "LoadMode", options.LoadMode);
        Defined(errors, "FailurePolicy", options.FailurePolicy);
        Defined(errors, "DeployCheck", options.DeployCheck);

        var cookie = options.Cookie;
        if (string.IsNullOrEmpty(cookie.Name) || cookie.Name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c)))
        {
            errors.Add($"TypedSessions:Cookie:Name '{cookie.Name}' is not a valid cookie name: it must be 1 or more visible ASCII characters other than ()<>@,;:\\\"/[]?={{}} (RFC 6265 token).");
        }

        if (string.IsNullOrEmpty(cookie.Path) || cookie.Path[0] != '/')
        {
            errors.Add($"TypedSessions:Cookie:Path must start with '/' (was '{cookie.Path}').");
        }

        Defined(errors, "Cookie:SecurePolicy", cookie.SecurePolicy);
        Defined(errors, "Cookie:SameSite", cookie.SameSite);
        if (cookie.SameSite == SameSiteMode.None && cookie.SecurePolicy != CookieSecurePolicy.Always)
        {
            errors.Add($"TypedSessions:Cookie:SameSite None requires TypedSessions:Cookie:SecurePolicy Always (was {cookie.SecurePolicy}); browsers reject SameSite=None cookies without Secure.");
        }

        NotNegative(errors, "ActiveSessions:LastSeenInterval", options.ActiveSessions.LastSeenInterval, string.Empty);
        if (options.ActiveSessions.MaxUserAgentLength < 0)
        {
            errors.Add($"TypedSessions:ActiveSessions:MaxUserAgentLength must be 0 or more characters (was {options.ActiveSessions.MaxUserAgentLength}).");
        }

        Defined(errors, "Authentication:SignOut", options.Authentication.SignOut);
        if (SerializerProblem(options.SerializerOptions) is { } serializer)
        {
            errors.Add(serializer);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Stored sessions and cookies are untrusted input, so values must decode as <see cref="MessagePackSecurity.UntrustedData"/>
    /// does: hash-collision-resistant maps and an object graph at most as deep. Options that carry MessagePack's default
    /// (<see cref="MessagePackSecurity.TrustedData"/>, what <c>Standard.WithResolver(...)</c> keeps) did not choose a
    /// security: the codec raises them to <see cref="MessagePackSecurity.UntrustedData"/> and keeps their resolver. Any
    /// other security weaker than that was chosen on purpose, and is refused here rather than overridden or run with.
    /// </summary>
    internal static string? SerializerProblem(MessagePackSerializerOptions? serializer)
    {
        if (serializer is null)
        {
            return "TypedSessions SerializerOptions must not be null; leave the default or set MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData).";
        }

        var security = serializer.Security;
        if (ReferenceEquals(security, MessagePackSecurity.TrustedData))
        {
            return null; // MessagePack's default, not a choice: SessionCodec raises it to UntrustedData.
        }

        if (!security.HashCollisionResistant || security.MaximumObjectGraphDepth < 1 || security.MaximumObjectGraphDepth > MaxObjectGraphDepth)
        {
            return "TypedSessions SerializerOptions.Security is weaker than MessagePackSecurity.UntrustedData: it must be hash-collision-resistant " +
                $"with MaximumObjectGraphDepth 1 to {MaxObjectGraphDepth}, and has HashCollisionResistant={security.HashCollisionResistant}, " +
                $"MaximumObjectGraphDepth={security.MaximumObjectGraphDepth}. Stored sessions are untrusted input: use " +
                "MessagePackSecurity.UntrustedData (or UntrustedData.WithMaximumObjectGraphDepth(n) for a stricter depth) in WithSecurity(...) (docs/wire-format.md).";
        }

        return null;
    }

    /// <summary>The deepest object graph a custom serializer may allow: <see cref="MessagePackSecurity.UntrustedData"/>'s own limit.</summary>
    internal static readonly int MaxObjectGraphDepth = MessagePackSecurity.UntrustedData.MaximumObjectGraphDepth;

    private static void Positive(List<string> errors, string setting, TimeSpan? value, string why = "")
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            errors.Add($"TypedSessions:{setting} must be greater than 00:00:00 (was {v}){why}.");
        }
    }

    private static void NotNegative(List<string> errors, string setting, TimeSpan value, string note)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"TypedSessions:{setting} must be 00:00:00 or more{note} (was {value}).");
        }
    }

    private static void Defined<TEnum>(List<string> errors, string setting, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add($"TypedSessions:{setting} must be one of {string.Join(", ", Enum.GetNames<TEnum>())} (was {value}).");
        }
    }
}
