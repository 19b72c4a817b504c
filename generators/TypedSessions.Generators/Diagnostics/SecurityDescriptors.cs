using Microsoft.CodeAnalysis;

namespace TypedSessions.Generators
{
    /// <summary>
    /// The cookie and session security rules (TS1xxx). They are reported when the whole compilation
    /// has been seen, because an app-wide mitigation (<c>UseCookiePolicy</c>) or a setting made elsewhere
    /// changes the verdict.
    /// </summary>
    internal static class SecurityDescriptors
    {
        public const string Category = "TypedSessions.Security";

        public static readonly DiagnosticDescriptor CookieNotSecure = Create(
            DiagnosticIds.CookieNotSecure,
            "Cookie is sent without the Secure attribute",
            "The {0} is sent without the Secure attribute ({1}), so it travels over plain HTTP; {2}",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor CookieSecureOnlyOnHttps = Create(
            DiagnosticIds.CookieSecureOnlyOnHttps,
            "Cookie is Secure only on HTTPS requests",
            "The {0} is marked Secure only when the request came over HTTPS ({1}); a request over HTTP, or behind a proxy that ends TLS, gets it without Secure; use CookieSecurePolicy.Always",
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor CookieNotHttpOnly = Create(
            DiagnosticIds.CookieNotHttpOnly,
            "Cookie is readable by scripts",
            "The {0} is readable by scripts ({1}), so an XSS flaw can steal it; set HttpOnly to true",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor SameSiteNoneWithoutSecure = Create(
            DiagnosticIds.SameSiteNoneWithoutSecure,
            "SameSite=None without Secure",
            "The {0} uses SameSite=None without being Secure always ({1}); browsers reject such cookies, and cross-site requests would carry it; use SameSite=Lax, or make it Secure always",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor CookieDomainSet = Create(
            DiagnosticIds.CookieDomainSet,
            "Cookie Domain widens the cookie to sibling hosts",
            "The {0} sets Domain ({1}), so every host under that domain receives it and can set it; leave Domain unset",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor LifetimeTooLong = Create(
            DiagnosticIds.LifetimeTooLong,
            "Session or cookie lifetime beyond the configured maximum",
            "{0} is {1}, longer than the maximum {2} (set '{3}' in .editorconfig to change it)",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor TimeoutDisabled = Create(
            DiagnosticIds.TimeoutDisabled,
            "Session timeout disabled",
            "{0} is disabled ({1}); {2}",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor AddSessionDefaultSecurePolicy = Create(
            DiagnosticIds.AddSessionDefaultSecurePolicy,
            "AddSession() leaves the session cookie's SecurePolicy at None",
            "AddSession() leaves the session cookie's SecurePolicy at its default, None, so the cookie travels over plain HTTP; set options.Cookie.SecurePolicy = CookieSecurePolicy.Always",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor CookieNameWithoutHostPrefix = Create(
            DiagnosticIds.CookieNameWithoutHostPrefix,
            "Cookie qualifies for the __Host- prefix but does not use it",
            "The {0} qualifies for the '__Host-' prefix (Secure always, Path=/, no Domain) but {1}; the prefix stops sibling hosts and HTTP pages from setting it",
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor MayBeInsecure = Create(
            DiagnosticIds.MayBeInsecure,
            "Cookie or session setting may be insecure",
            "{0} depending on '{1}' ({2} when unconditional)",
            DiagnosticSeverity.Info);

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity)
            => new(
                id,
                title,
                message,
                Category,
                severity,
                isEnabledByDefault: true,
                helpLinkUri: DiagnosticDescriptors.HelpLinkBase + id + ".md",
                customTags: WellKnownDiagnosticTags.CompilationEnd);
    }
}
