using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using TypedSessions.Analyzers;

namespace TypedSessions.Deployment;

/// <summary>
/// The deploy check: the <c>TS1xxx</c> rules of the cookie-security analyzer applied to effective option values (after
/// appsettings, environment variables, secrets, Key Vault and code have all run), which no analyzer can see. A pure function:
/// the startup check and <c>typedsessions check</c> both call it. Rules about code shapes (TS1008's <c>AddSession()</c>
/// call, TS1010/TS1011's conditional values) have no runtime counterpart and are not checked. Severities are the
/// analyzer's defaults (docs/diagnostics/README.md, "Severity rule").
/// </summary>
public static class SecurityCheck
{
    /// <summary>The longest idle (sliding) lifetime accepted (TS1006; the analyzer's <c>typedsessions.max_idle_timeout</c> default).</summary>
    public static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The longest absolute lifetime accepted (TS1006; the analyzer's <c>typedsessions.max_absolute_timeout</c> default).</summary>
    public static readonly TimeSpan MaxAbsoluteTimeout = TimeSpan.FromHours(8);

    /// <summary>The longest cookie <c>MaxAge</c>/<c>Expiration</c> accepted (TS1006; the analyzer's <c>typedsessions.max_cookie_lifetime</c> default).</summary>
    public static readonly TimeSpan MaxCookieLifetime = TimeSpan.FromDays(30);

    /// <summary>Checks the given effective options. Each argument may be <see langword="null"/> (or empty) when the app does not use it.</summary>
    /// <param name="session">TypedSessions' options (the session cookie and timeouts).</param>
    /// <param name="cookieSchemes">The cookie authentication schemes by name, with their options.</param>
    /// <param name="antiforgery">The antiforgery options.</param>
    /// <param name="cookiePolicy">
    /// The options of <c>UseCookiePolicy()</c>: a policy forcing <c>Secure = Always</c>, <c>HttpOnly = Always</c> or a
    /// <c>MinimumSameSitePolicy</c> of Lax/Strict mitigates the matching rules, as in the analyzer. Pass them only when the
    /// pipeline uses the cookie policy middleware.
    /// </param>
    /// <param name="sessionSection">The configuration section name used in the setting paths of TypedSessions' options.</param>
    /// <returns>The findings, in a stable order (session, schemes by name, antiforgery).</returns>
    public static IReadOnlyList<SecurityFinding> Run(
        TypedSessionOptions? session,
        IEnumerable<KeyValuePair<string, CookieAuthenticationOptions>>? cookieSchemes,
        AntiforgeryOptions? antiforgery,
        CookiePolicyOptions? cookiePolicy,
        string sessionSection = TypedSessionOptions.SectionName)
    {
        var findings = new List<SecurityFinding>();
        var policy = new Policy(cookiePolicy);
        if (session is not null)
        {
            CheckSession(session, sessionSection, policy, findings);
        }

        foreach (var (name, options) in (cookieSchemes ?? []).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var path = $"CookieAuthenticationOptions[{name}]";
            CheckCookie(options.Cookie, path + ".Cookie.", policy, findings);
            var limit = options.SlidingExpiration ? MaxIdleTimeout : MaxAbsoluteTimeout;
            if (options.ExpireTimeSpan > limit)
            {
                findings.Add(Warning(DiagnosticIds.LifetimeTooLong, path + ".ExpireTimeSpan", Text(options.ExpireTimeSpan),
                    $"The authentication ticket lives longer than {Text(limit)} ({(options.SlidingExpiration ? "sliding" : "absolute")} expiration); shorten ExpireTimeSpan."));
            }
        }

        if (antiforgery is not null)
        {
            CheckCookie(antiforgery.Cookie, "AntiforgeryOptions.Cookie.", policy, findings);
        }

        return findings;
    }

    private static void CheckSession(TypedSessionOptions options, string section, Policy policy, List<SecurityFinding> findings)
    {
        var cookie = options.Cookie;
        var prefix = section + ":Cookie:";
        CheckCookieAttributes(prefix, cookie.SecurePolicy, cookie.HttpOnly, cookie.SameSite, cookie.Domain, policy, findings);
        if (!cookie.UseHostPrefix && cookie.SecurePolicy == CookieSecurePolicy.Always && string.IsNullOrEmpty(cookie.Domain) && cookie.Path == "/"
            && !cookie.Name.StartsWith("__Host-", StringComparison.Ordinal))
        {
            findings.Add(new(DiagnosticIds.CookieNameWithoutHostPrefix, SecurityFindingSeverity.Info, prefix + "UseHostPrefix", "False",
                "The session cookie qualifies for the __Host- prefix (Secure always, Path=/, no Domain) but does not use it; set UseHostPrefix to true."));
        }

        CheckTimeout(options.IdleTimeout, section + ":IdleTimeout", MaxIdleTimeout, "idle", findings);
        CheckTimeout(options.AbsoluteTimeout, section + ":AbsoluteTimeout", MaxAbsoluteTimeout, "absolute", findings);
    }

    private static void CheckTimeout(TimeSpan? value, string path, TimeSpan limit, string kind, List<SecurityFinding> findings)
    {
        if (value is null)
        {
            findings.Add(Warning(DiagnosticIds.TimeoutDisabled, path, "null", $"The session {kind} timeout is disabled; set it (at most {Text(limit)})."));
        }
        else if (value > limit)
        {
            findings.Add(Warning(DiagnosticIds.LifetimeTooLong, path, Text(value.Value), $"The session {kind} timeout is longer than {Text(limit)}; shorten it."));
        }
    }

    private static void CheckCookie(CookieBuilder cookie, string prefix, Policy policy, List<SecurityFinding> findings)
    {
        CheckCookieAttributes(prefix, cookie.SecurePolicy, cookie.HttpOnly, cookie.SameSite, cookie.Domain, policy, findings);
        if (cookie.MaxAge is { } maxAge && maxAge > MaxCookieLifetime)
        {
            findings.Add(Warning(DiagnosticIds.LifetimeTooLong, prefix + "MaxAge", Text(maxAge), $"The cookie lives longer than {Text(MaxCookieLifetime)}; shorten MaxAge."));
        }

        if (cookie.Expiration is { } expiration && expiration > MaxCookieLifetime)
        {
            findings.Add(Warning(DiagnosticIds.LifetimeTooLong, prefix + "Expiration", Text(expiration), $"The cookie lives longer than {Text(MaxCookieLifetime)}; shorten Expiration."));
        }
    }

    // The same attribute rules for TypedSessions' SessionCookieOptions and ASP.NET Core's CookieBuilder.
    private static void CheckCookieAttributes(
        string prefix, CookieSecurePolicy secure, bool httpOnly, SameSiteMode sameSite, string? domain, Policy policy, List<SecurityFinding> findings)
    {
        // UseCookiePolicy only raises a cookie's SecurePolicy: Always forces Secure, SameAsRequest lifts None to SameAsRequest.
        var effectiveSecure = Strength(policy.Secure) > Strength(secure) ? policy.Secure : secure;
        if (effectiveSecure == CookieSecurePolicy.None)
        {
            findings.Add(Warning(DiagnosticIds.CookieNotSecure, prefix + "SecurePolicy", secure.ToString(),
                "The cookie is sent without the Secure attribute, so it also travels over plain HTTP; set SecurePolicy to Always."));
        }
        else if (effectiveSecure == CookieSecurePolicy.SameAsRequest)
        {
            // A Warning, as in the analyzer (the severity rule, docs/diagnostics/README.md): outside Development, an HTTP
            // request or a proxy ending TLS without forwarded headers sends the cookie without Secure.
            findings.Add(Warning(DiagnosticIds.CookieSecureOnlyOnHttps, prefix + "SecurePolicy", secure.ToString(),
                "The cookie is Secure only on HTTPS requests (an HTTP request, or a proxy ending TLS without forwarded headers, issues it without Secure); set SecurePolicy to Always."));
        }

        if (!httpOnly && !policy.HttpOnlyAlways)
        {
            findings.Add(Warning(DiagnosticIds.CookieNotHttpOnly, prefix + "HttpOnly", "False", "The cookie is readable by scripts (document.cookie); set HttpOnly to true."));
        }

        if (sameSite == SameSiteMode.Unspecified && !policy.MinimumSameSiteLaxOrStrict)
        {
            findings.Add(Warning(DiagnosticIds.SameSiteUnspecified, prefix + "SameSite", sameSite.ToString(),
                "The cookie is sent without a SameSite attribute, so browsers without Lax-by-default (Firefox, Safari) send it on cross-site requests; use Lax or Strict."));
        }

        if (sameSite == SameSiteMode.None && effectiveSecure != CookieSecurePolicy.Always && !policy.MinimumSameSiteLaxOrStrict)
        {
            findings.Add(Warning(DiagnosticIds.SameSiteNoneWithoutSecure, prefix + "SameSite", sameSite.ToString(),
                "SameSite=None without Secure always: browsers reject it, and a cross-site cookie over HTTP invites theft and CSRF; use Lax, or SecurePolicy Always."));
        }

        if (!string.IsNullOrEmpty(domain))
        {
            findings.Add(Warning(DiagnosticIds.CookieDomainSet, prefix + "Domain", domain, "The Domain attribute widens the cookie to every sibling host under it; leave Domain unset."));
        }
    }

    // CookieSecurePolicy's numeric values are not ordered by strength (SameAsRequest = 0, Always = 1, None = 2).
    private static int Strength(CookieSecurePolicy policy) => policy switch
    {
        CookieSecurePolicy.Always => 2,
        CookieSecurePolicy.SameAsRequest => 1,
        _ => 0,
    };

    private static SecurityFinding Warning(string id, string setting, string value, string message) => new(id, SecurityFindingSeverity.Warning, setting, value, message);

    private static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private readonly struct Policy(CookiePolicyOptions? options)
    {
        public CookieSecurePolicy Secure { get; } = options?.Secure ?? CookieSecurePolicy.None;

        public bool HttpOnlyAlways { get; } = options?.HttpOnly == HttpOnlyPolicy.Always;

        public bool MinimumSameSiteLaxOrStrict { get; } = options?.MinimumSameSitePolicy is SameSiteMode.Lax or SameSiteMode.Strict;
    }
}
