using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// The rules applied to <c>appsettings.json</c> and <c>appsettings.{Environment}.json</c> (additional
    /// files): the <c>TypedSessions</c> section when the app calls <c>AddTypedSessions</c>, and the
    /// sections bound to ASP.NET Core's <c>SessionOptions</c>.
    /// </summary>
    internal sealed partial class SecurityRules
    {
        private const string TypedSessionsCookie = "TypedSessions session cookie";
        private const string SessionCookie = "session cookie (AddSession)";

        // Returns whether a file sets the SessionOptions cookie's SecurePolicy (then AddSession() is not left at its default).
        private bool ReportConfigurationFiles()
        {
            var sessionSecurePolicySet = false;
            var sessionSections = _collected.SessionOptionsSections.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (var file in _options.AdditionalFiles.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                if (!IsAppSettings(Path.GetFileName(file.Path)) || file.GetText(_cancellationToken) is not { } text
                    || JsonConfigurationReader.Parse(text.ToString()) is not { Kind: JsonKind.Object } root)
                {
                    continue;
                }

                var json = new JsonFile(file.Path, text, SecurityThresholds.Read(_options.AnalyzerConfigOptionsProvider.GetOptions(file)));
                if (_collected.UsesTypedSessions && root.GetPath("TypedSessions") is { Kind: JsonKind.Object } typedSessions)
                {
                    CheckCookieSection(json, typedSessions.Get("Cookie"), TypedSessionsCookie, secureByDefault: true);
                    CheckTimeout(json, typedSessions, "IdleTimeout", "The TypedSessions idle timeout", json.Thresholds.Idle, SecurityThresholds.IdleKey,
                        "an abandoned session then stays valid until the absolute timeout");
                    CheckTimeout(json, typedSessions, "AbsoluteTimeout", "The TypedSessions absolute timeout", json.Thresholds.Absolute, SecurityThresholds.AbsoluteKey,
                        "a session that keeps being used never expires, so a stolen id stays valid");
                }

                foreach (var section in sessionSections)
                {
                    if (root.GetPath(section) is { Kind: JsonKind.Object } session)
                    {
                        sessionSecurePolicySet |= session.GetPath("Cookie:SecurePolicy") is not null;
                        CheckCookieSection(json, session.Get("Cookie"), SessionCookie, secureByDefault: false);
                        CheckTimeout(json, session, "IdleTimeout", "The session idle timeout", json.Thresholds.Idle, SecurityThresholds.IdleKey, null);
                    }
                }
            }

            return sessionSecurePolicySet;
        }

        private void CheckCookieSection(JsonFile json, JsonNode? cookie, string description, bool secureByDefault)
        {
            if (cookie is not { Kind: JsonKind.Object })
            {
                return;
            }

            var securePolicy = cookie.Get("SecurePolicy");
            var policy = ParseEnum(securePolicy?.ScalarText, "SameAsRequest", "Always", "None");
            var secureAlways = policy == "Always" || (securePolicy is null && secureByDefault) || _policySecure;
            if (!_policySecure && policy == "None")
            {
                Report(json, securePolicy!, SecurityDescriptors.CookieNotSecure, description, json.Describe("Cookie:SecurePolicy", securePolicy!), "use \"Always\"");
            }
            else if (!_policySecure && policy == "SameAsRequest")
            {
                Report(json, securePolicy!, SecurityDescriptors.CookieSecureOnlyOnHttps, description, json.Describe("Cookie:SecurePolicy", securePolicy!));
            }

            if (!_policyHttpOnly && cookie.Get("HttpOnly") is { } httpOnly && IsFalse(httpOnly))
            {
                Report(json, httpOnly, SecurityDescriptors.CookieNotHttpOnly, description, json.Describe("Cookie:HttpOnly", httpOnly));
            }

            if (!_policySameSite && cookie.Get("SameSite") is { } unspecified
                && (string.Equals(unspecified.ScalarText?.Trim(), "Unspecified", StringComparison.OrdinalIgnoreCase) || unspecified.ScalarText?.Trim() == "-1"))
            {
                Report(json, unspecified, SecurityDescriptors.SameSiteUnspecified, description, json.Describe("Cookie:SameSite", unspecified));
            }

            if (!secureAlways && !_policySameSite && cookie.Get("SameSite") is { } sameSite
                && ParseEnum(sameSite.ScalarText, "None", "Lax", "Strict") == "None")
            {
                Report(json, sameSite, SecurityDescriptors.SameSiteNoneWithoutSecure, description,
                    securePolicy is null ? "SecurePolicy is left at its default" : json.Describe("Cookie:SecurePolicy", securePolicy));
            }

            var domain = cookie.Get("Domain");
            if (domain?.ScalarText is { Length: > 0 })
            {
                Report(json, domain, SecurityDescriptors.CookieDomainSet, description, json.Describe("Cookie:Domain", domain));
            }

            var path = cookie.Get("Path")?.ScalarText;
            var qualifies = secureAlways && domain?.ScalarText is null or "" && path is null or "" or "/";
            if (qualifies && secureByDefault && cookie.Get("UseHostPrefix") is { } hostPrefix && IsFalse(hostPrefix))
            {
                Report(json, hostPrefix, SecurityDescriptors.CookieNameWithoutHostPrefix, description, "Cookie:UseHostPrefix is false in " + json.Name);
            }
            else if (qualifies && !secureByDefault && cookie.Get("Name") is { ScalarText: { } name } nameNode && !name.StartsWith("__Host-", StringComparison.Ordinal))
            {
                Report(json, nameNode, SecurityDescriptors.CookieNameWithoutHostPrefix, description, "is named \"" + name + "\" in " + json.Name);
            }
        }

        private void CheckTimeout(JsonFile json, JsonNode? section, string name, string what, TimeSpan limit, string key, string? whenDisabled)
        {
            if (section?.Get(name) is not { } node)
            {
                return;
            }

            var text = node.ScalarText;
            if (string.IsNullOrEmpty(text))
            {
                if (whenDisabled is not null)
                {
                    Report(json, node, SecurityDescriptors.TimeoutDisabled, what, json.Describe(name, node), whenDisabled);
                }

                return;
            }

            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > limit)
            {
                Report(json, node, SecurityDescriptors.LifetimeTooLong, what, SecurityThresholds.Format(span) + " in " + json.Name, SecurityThresholds.Format(limit), key);
            }
        }

        private void Report(JsonFile json, JsonNode node, DiagnosticDescriptor rule, params object[] arguments)
            => _report(Diagnostic.Create(rule, json.LocationOf(node), arguments));

        private static bool IsAppSettings(string name)
            => name.Equals("appsettings.json", StringComparison.OrdinalIgnoreCase)
               || (name.StartsWith("appsettings.", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

        private static bool IsFalse(JsonNode node) => string.Equals(node.ScalarText, "false", StringComparison.OrdinalIgnoreCase);

        // Configuration binds enums by name (any case) or by number; the names are given in numeric order.
        private static string? ParseEnum(string? text, params string[] names)
        {
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                return number >= 0 && number < names.Length ? names[number] : null;
            }

            return names.FirstOrDefault(n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        private sealed class JsonFile
        {
            public JsonFile(string path, SourceText text, SecurityThresholds thresholds)
            {
                FilePath = path;
                Name = Path.GetFileName(path);
                Text = text;
                Thresholds = thresholds;
            }

            public string FilePath { get; }

            public string Name { get; }

            public SourceText Text { get; }

            public SecurityThresholds Thresholds { get; }

            public Location LocationOf(JsonNode node)
            {
                var span = TextSpan.FromBounds(node.Start, node.End);
                return Location.Create(FilePath, span, Text.Lines.GetLinePositionSpan(span));
            }

            public string Describe(string key, JsonNode node) => key + " = " + (node.ScalarText ?? "null") + " in " + Name;
        }
    }
}
