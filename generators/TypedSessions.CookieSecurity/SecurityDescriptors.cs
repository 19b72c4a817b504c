using System.Linq;
using Microsoft.CodeAnalysis;
using TypedSessions.Analyzers;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// The cookie and session security rules (TS1xxx). The fields are the compilation-end descriptors
    /// (tagged <see cref="WellKnownDiagnosticTags.CompilationEnd"/>), for verdicts that need the whole
    /// compilation (field-rooted settings, TS1008, appsettings files); <see cref="Local"/> gives the
    /// untagged descriptor with the same id, for verdicts reported at the end of one operation block.
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
            "The {0} is marked Secure only when the request came over HTTPS ({1}); a request over HTTP, or behind a proxy that ends TLS, gets it without Secure; make it Secure always",
            DiagnosticSeverity.Warning);

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
            "Cookie or session setting is relaxed in Development only",
            "{0} depending on '{1}', only in the Development environment ({2} when unconditional)",
            DiagnosticSeverity.Info);

        public static readonly DiagnosticDescriptor InsecureOnSomePath = Create(
            DiagnosticIds.InsecureOnSomePath,
            "Cookie or session setting is insecure on a path that can run in Production",
            "{0} depending on '{1}', a condition that does not limit it to the Development environment ({2} when unconditional)",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor SameSiteUnspecified = Create(
            DiagnosticIds.SameSiteUnspecified,
            "Cookie leaves SameSite to the browser",
            "The {0} is sent without a SameSite attribute ({1}); browsers without Lax-by-default (Firefox, Safari) then send it on cross-site requests; use SameSite=Lax or Strict",
            DiagnosticSeverity.Warning);

        private static readonly System.Collections.Generic.Dictionary<DiagnosticDescriptor, DiagnosticDescriptor> LocalDescriptors = new()
        {
            [CookieNotSecure] = CreateLocal(CookieNotSecure),
            [CookieSecureOnlyOnHttps] = CreateLocal(CookieSecureOnlyOnHttps),
            [CookieNotHttpOnly] = CreateLocal(CookieNotHttpOnly),
            [SameSiteNoneWithoutSecure] = CreateLocal(SameSiteNoneWithoutSecure),
            [CookieDomainSet] = CreateLocal(CookieDomainSet),
            [LifetimeTooLong] = CreateLocal(LifetimeTooLong),
            [TimeoutDisabled] = CreateLocal(TimeoutDisabled),
            [CookieNameWithoutHostPrefix] = CreateLocal(CookieNameWithoutHostPrefix),
            [MayBeInsecure] = CreateLocal(MayBeInsecure),
            [InsecureOnSomePath] = CreateLocal(InsecureOnSomePath),
            [SameSiteUnspecified] = CreateLocal(SameSiteUnspecified),
        };

        /// <summary>The compilation-end descriptors, one per rule.</summary>
        public static System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> CompilationEnd { get; } = System.Collections.Immutable.ImmutableArray.Create(
            CookieNotSecure, CookieSecureOnlyOnHttps, CookieNotHttpOnly, SameSiteNoneWithoutSecure, CookieDomainSet,
            LifetimeTooLong, TimeoutDisabled, AddSessionDefaultSecurePolicy, CookieNameWithoutHostPrefix, MayBeInsecure,
            InsecureOnSomePath, SameSiteUnspecified);

        /// <summary>The descriptors reported from operation blocks (not tagged CompilationEnd); TS1008 has none.</summary>
        public static System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> Locals { get; } = System.Collections.Immutable.ImmutableArray.CreateRange(
            CompilationEnd.Where(LocalDescriptors.ContainsKey).Select(d => LocalDescriptors[d]));

        /// <summary>The untagged twin of a compilation-end descriptor, for reporting from an operation block.</summary>
        public static DiagnosticDescriptor Local(DiagnosticDescriptor rule) => LocalDescriptors[rule];

        private static DiagnosticDescriptor CreateLocal(DiagnosticDescriptor rule)
            => new(
                rule.Id,
                rule.Title,
                rule.MessageFormat,
                rule.Category,
                rule.DefaultSeverity,
                rule.IsEnabledByDefault,
                helpLinkUri: rule.HelpLinkUri);

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity)
            => new(
                id,
                title,
                message,
                Category,
                severity,
                isEnabledByDefault: true,
                helpLinkUri: DiagnosticIds.HelpLinkBase + id + ".md",
                customTags: WellKnownDiagnosticTags.CompilationEnd);
    }
}
