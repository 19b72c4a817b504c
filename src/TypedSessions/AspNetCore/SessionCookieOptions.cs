using Microsoft.AspNetCore.Http;

namespace TypedSessions;

/// <summary>The session cookie's settings. The defaults are the safe choice (OWASP); the analyzers flag weakening them.</summary>
public sealed class SessionCookieOptions
{
    /// <summary>The cookie's base name; <c>__Host-</c> is prepended when <see cref="UseHostPrefix"/> applies. Default <c>session</c>.</summary>
    public string Name { get; set; } = "session";

    /// <summary>Prefix the name with <c>__Host-</c> when the cookie qualifies (Secure always, Path=/, no Domain). Default on.</summary>
    public bool UseHostPrefix { get; set; } = true;

    /// <summary>The cookie path. Default <c>/</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>The cookie domain. Default none: the cookie goes to this host only. Setting one widens it to sibling hosts.</summary>
    public string? Domain { get; set; }

    /// <summary>Hide the cookie from scripts. Default on.</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>When the Secure attribute is set. Default <see cref="CookieSecurePolicy.Always"/> (browsers accept it on http://localhost).</summary>
    public CookieSecurePolicy SecurePolicy { get; set; } = CookieSecurePolicy.Always;

    /// <summary>The SameSite attribute. Default <see cref="SameSiteMode.Lax"/>.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>Whether the host prefix applies with these settings.</summary>
    internal bool HostPrefixApplies
        => UseHostPrefix && SecurePolicy == CookieSecurePolicy.Always && string.IsNullOrEmpty(Domain) && Path == "/";

    /// <summary>The name the cookie is sent and read under.</summary>
    internal string EffectiveName => HostPrefixApplies && !Name.StartsWith("__Host-", StringComparison.Ordinal) ? "__Host-" + Name : Name;
}
