using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>Where a <see cref="SecurityRules"/> runs, and so which verdicts it gives.</summary>
    internal enum SecurityScope
    {
        /// <summary>
        /// At the end of one operation block: the settings rooted in a parameter, a local or an object
        /// creation (and the appends), with local descriptors and without the <c>UseCookiePolicy</c>
        /// mitigation, which <see cref="CookiePolicySuppressor"/> applies.
        /// </summary>
        Block,

        /// <summary>At compilation end: field-rooted settings, TS1008 and the appsettings files, mitigation applied.</summary>
        CompilationEnd,
    }

    /// <summary>Judges the collected settings and reports.</summary>
    internal sealed partial class SecurityRules
    {
        /// <summary>The diagnostic property naming the rule a TS1010 stands for (read by the suppressor).</summary>
        public const string RuleKey = "Rule";

        private readonly SecurityCollection _collected;
        private readonly AnalyzerOptions _options;
        private readonly Action<Diagnostic> _report;
        private readonly System.Threading.CancellationToken _cancellationToken;
        private readonly SecurityScope _scope;
        private readonly List<CollectedSetting> _all;
        private readonly List<CollectedSetting> _settings;
        private readonly Dictionary<ObjectPath, List<CollectedSetting>> _objects;
        private readonly bool _policySecure;
        private readonly bool _policyHttpOnly;
        private readonly bool _policySameSite;

        public SecurityRules(SecurityCollection collected, AnalyzerOptions options, Action<Diagnostic> report, SecurityScope scope, System.Threading.CancellationToken cancellationToken)
        {
            _collected = collected;
            _options = options;
            _report = report;
            _cancellationToken = cancellationToken;
            _scope = scope;
            var evaluator = new ValueEvaluator(collected.FieldInitializers);
            var all = _all = collected.Settings.OrderBy(s => s.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(s => s.Location.SourceSpan.Start).ToList();
            foreach (var setting in all)
            {
                setting.Evaluated = evaluator.Evaluate(setting.Value);
            }

            // UseCookiePolicy rewrites every cookie appended through the response: an app-wide "Secure = Always"
            // makes every cookie Secure, whatever each one asks for. Block verdicts leave it to the suppressor.
            if (scope == SecurityScope.CompilationEnd)
            {
                (_policySecure, _policyHttpOnly, _policySameSite) = Policy(collected.UsesCookiePolicy, all);
            }

            // Each verdict is given in one place: a block judges what it alone decides, compilation end the rest.
            var local = BlockLocal(all);
            _settings = all.Where(s => local.Contains(s) == (scope == SecurityScope.Block)).ToList();
            _objects = _settings.Where(s => s.Path is not null).GroupBy(s => s.Path!).ToDictionary(g => g.Key, g => g.ToList());
        }

        /// <summary>The mitigations of an app-wide <c>UseCookiePolicy</c>: (Secure always, HttpOnly always, SameSite at least Lax).</summary>
        public static (bool Secure, bool HttpOnly, bool SameSite) Policy(bool usesCookiePolicy, IReadOnlyCollection<CollectedSetting> evaluated)
        {
            if (!usesCookiePolicy)
            {
                return (false, false, false);
            }

            return (
                PolicySets(evaluated, "Secure", v => v is EnumMember { Name: "Always" }),
                PolicySets(evaluated, "HttpOnly", v => v is EnumMember { Name: "Always" }),
                PolicySets(evaluated, "MinimumSameSitePolicy", v => v is EnumMember { Name: "Lax" or "Strict" }));
        }

        /// <summary>
        /// The settings one operation block decides: those on an object rooted in a parameter, a local or an
        /// object creation (not a field other members can set) when no setting of that object reads a
        /// <c>static readonly</c> field declared in source (whose initializer may be in another file).
        /// Such objects live in one block, so the block and compilation end agree on the split.
        /// </summary>
        public static HashSet<CollectedSetting> BlockLocal(IEnumerable<CollectedSetting> settings)
        {
            var local = new HashSet<CollectedSetting>();
            foreach (var group in settings.GroupBy(s => (object?)s.Path ?? s))
            {
                if (group.All(s => s.Path is not { Root: IFieldSymbol } && !ReadsSourceField(s)))
                {
                    local.UnionWith(group);
                }
            }

            return local;
        }

        private static bool ReadsSourceField(CollectedSetting setting)
        {
            var probe = new ValueEvaluator(new System.Collections.Concurrent.ConcurrentDictionary<IFieldSymbol, IOperation>(SymbolEqualityComparer.Default));
            probe.Evaluate(setting.Value);
            return probe.ReadSourceField;
        }

        public void Report()
        {
            foreach (var setting in _settings)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                Check(setting);
            }

            ReportAppends();
            if (_scope == SecurityScope.Block)
            {
                ReportHeaders();
                return;
            }

            ReportCompilationEnd();
        }

        // Block scope: the appends of options built in the member; compilation end: options held in a readonly field,
        // whose initializer (and other settings) another member or file makes.
        private void ReportAppends()
        {
            var fieldScope = _scope == SecurityScope.CompilationEnd;
            foreach (var append in _collected.Appends.OrderBy(a => a.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(a => a.Location.SourceSpan.Start))
            {
                if ((append.Path is { Root: IFieldSymbol }) != fieldScope || _policySecure)
                {
                    continue;
                }

                if (append.Path is null)
                {
                    _report(Diagnostic.Create(
                        Descriptor(SecurityDescriptors.CookieNotSecure), append.Location, Fix(SecurityFixKinds.AppendSecureOptions),
                        "cookie appended to the response without options", "neither Secure nor HttpOnly is set",
                        "pass new CookieOptions { Secure = true, HttpOnly = true }"));
                    continue;
                }

                var secure = _all.Where(s => append.Path.Equals(s.Path) && s.Property == "Secure").ToList();
                if (secure.Count == 0)
                {
                    // Options created in the call itself get "Secure = true" added to their initializer; a local or a field is left to the author.
                    var fix = append.Path.Root is IObjectCreationOperation ? Fix(SecurityFixKinds.OptionsSecureTrue) : ImmutableDictionary<string, string?>.Empty;
                    _report(Diagnostic.Create(
                        Descriptor(SecurityDescriptors.CookieNotSecure), append.Location, fix, "cookie appended to the response", "Secure is not set", "set Secure = true"));
                }
                else if (secure.All(s => DevelopmentGuard.GuardsBeyond(s.Assignment, append.Operation).Count > 0) && !CoverBothBranches(secure, append.Operation))
                {
                    // Secure is set only inside an if without else (or a case) that does not also hold the Append: on the
                    // other path the cookie keeps Secure = false.
                    var developmentOnly = secure.Any(s => DevelopmentGuard.SkippedOnlyInDevelopment(s.Assignment, append.Operation));
                    var rule = developmentOnly ? SecurityDescriptors.MayBeInsecure : SecurityDescriptors.InsecureOnSomePath;
                    _report(Diagnostic.Create(
                        Descriptor(rule), append.Location, ImmutableDictionary<string, string?>.Empty.Add(RuleKey, SecurityDescriptors.CookieNotSecure.Id),
                        "The cookie appended to the response may go without Secure (it is set only when a condition holds)", secure[0].Condition, SecurityDescriptors.CookieNotSecure.Id));
                }
            }
        }

        // "if (c) o.Secure = x; else o.Secure = y;" (an if/else that always runs): every path sets Secure, and each value is judged on its own.
        private static bool CoverBothBranches(List<CollectedSetting> settings, IOperation append)
        {
            var innermost = settings.Select(s => DevelopmentGuard.GuardsBeyond(s.Assignment, append).FirstOrDefault()).Where(g => g.Owner is IConditionalOperation).ToList();
            return innermost.Any(a => a.WhenTrue && DevelopmentGuard.GuardsBeyond(a.Owner, append).Count == 0
                                      && innermost.Any(b => !b.WhenTrue && b.Owner == a.Owner));
        }

        private void ReportCompilationEnd()
        {
            var jsonSecurePolicy = ReportConfigurationFiles();
            if (!_policySecure && !jsonSecurePolicy
                && !_all.Any(s => s.Owner == SettingOwner.CookieBuilder && s.Property == "SecurePolicy" && IsHeldBy(s, _collected.Types.SessionOptions)))
            {
                foreach (var call in _collected.AddSessionCalls.OrderBy(c => c.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(c => c.Location.SourceSpan.Start))
                {
                    var fix = call.Bare ? Fix(SecurityFixKinds.AddSessionSecurePolicy) : ImmutableDictionary<string, string?>.Empty;
                    _report(Diagnostic.Create(SecurityDescriptors.AddSessionDefaultSecurePolicy, call.Location, fix));
                }
            }
        }

        private void Check(CollectedSetting setting)
        {
            var value = setting.Evaluated!;
            var cookie = DescribeCookie(setting);
            if (setting.Property == "SameSite" && setting.Owner is SettingOwner.CookieOptions or SettingOwner.CookieBuilder or SettingOwner.TypedSessionCookie
                && !_policySameSite)
            {
                Judge(setting, v => v is EnumMember { Name: "Unspecified" }, SecurityDescriptors.SameSiteUnspecified, SecurityFixKinds.SameSiteLax,
                    cookie, "SameSite = " + setting.Value.Syntax);
            }

            switch (setting.Owner, setting.Property)
            {
                case (SettingOwner.CookieOptions, "Secure") when !_policySecure:
                    Judge(setting, v => v is false, SecurityDescriptors.CookieNotSecure, SecurityFixKinds.SecureTrue, cookie, "Secure = false", "set Secure = true");
                    Judge(setting, v => v is RequestIsHttps, SecurityDescriptors.CookieSecureOnlyOnHttps, SecurityFixKinds.SecureTrue, cookie, "Secure = " + setting.Value.Syntax);
                    break;
                case (SettingOwner.CookieBuilder or SettingOwner.TypedSessionCookie, "SecurePolicy") when !_policySecure:
                    Judge(setting, v => v is EnumMember { Name: "None" }, SecurityDescriptors.CookieNotSecure, SecurityFixKinds.SecurePolicyAlways,
                        cookie, "SecurePolicy = None", "use CookieSecurePolicy.Always");
                    Judge(setting, v => v is EnumMember { Name: "SameAsRequest" }, SecurityDescriptors.CookieSecureOnlyOnHttps, SecurityFixKinds.SecurePolicyAlways,
                        cookie, "SecurePolicy = SameAsRequest");
                    break;
                case (SettingOwner.CookieOptions or SettingOwner.CookieBuilder or SettingOwner.TypedSessionCookie, "HttpOnly") when !_policyHttpOnly:
                    Judge(setting, v => v is false, SecurityDescriptors.CookieNotHttpOnly, SecurityFixKinds.HttpOnlyTrue, cookie, "HttpOnly = false");
                    break;
                case (SettingOwner.CookieOptions or SettingOwner.CookieBuilder or SettingOwner.TypedSessionCookie, "SameSite")
                    when !_policySecure && !_policySameSite && !IsSecureAlways(setting):
                    Judge(setting, v => v is EnumMember { Name: "None" }, SecurityDescriptors.SameSiteNoneWithoutSecure, SameSiteFixes(setting),
                        cookie, DescribeSecure(setting));
                    break;
                case (SettingOwner.CookieOptions or SettingOwner.CookieBuilder or SettingOwner.TypedSessionCookie, "Domain"):
                    Judge(setting, v => v is string { Length: > 0 } || v == SettingValue.Unknown, SecurityDescriptors.CookieDomainSet, SecurityFixKinds.RemoveAssignment,
                        cookie, "Domain = " + setting.Value.Syntax);
                    break;
                case (SettingOwner.TypedSessionOptions, "IdleTimeout"):
                    CheckLifetime(setting, "The TypedSessions idle timeout", Thresholds(setting).Idle, SecurityThresholds.IdleKey);
                    Judge(setting, v => v == SettingValue.Null, SecurityDescriptors.TimeoutDisabled, null,
                        "The TypedSessions idle timeout", "IdleTimeout = null", "an abandoned session then stays valid until the absolute timeout");
                    break;
                case (SettingOwner.TypedSessionOptions, "AbsoluteTimeout"):
                    CheckLifetime(setting, "The TypedSessions absolute timeout", Thresholds(setting).Absolute, SecurityThresholds.AbsoluteKey);
                    Judge(setting, v => v == SettingValue.Null, SecurityDescriptors.TimeoutDisabled, null,
                        "The TypedSessions absolute timeout", "AbsoluteTimeout = null", "a session that keeps being used never expires, so a stolen id stays valid");
                    break;
                case (SettingOwner.SessionOptions, "IdleTimeout"):
                    CheckLifetime(setting, "The session idle timeout", Thresholds(setting).Idle, SecurityThresholds.IdleKey);
                    break;
                case (SettingOwner.CookieAuthenticationOptions, "ExpireTimeSpan"):
                    var sliding = !SettingsOf(setting.Path).Any(s => s.Property == "SlidingExpiration" && s.Evaluated!.Check(v => v is false) == Verdict.Insecure);
                    if (sliding)
                    {
                        CheckLifetime(setting, "The authentication cookie's sliding expiration", Thresholds(setting).Idle, SecurityThresholds.IdleKey);
                    }
                    else
                    {
                        CheckLifetime(setting, "The authentication cookie's lifetime", Thresholds(setting).Absolute, SecurityThresholds.AbsoluteKey);
                    }

                    break;
                case (SettingOwner.CookieOptions or SettingOwner.CookieBuilder, "MaxAge" or "Expiration"):
                    CheckLifetime(setting, "The " + cookie + "'s " + setting.Property, Thresholds(setting).Cookie, SecurityThresholds.CookieKey);
                    break;
                case (SettingOwner.CookieOptions, "Expires"):
                    var limit = Thresholds(setting).Cookie;
                    Judge(setting, v => v is FromNow expires && expires.Offset > limit, SecurityDescriptors.LifetimeTooLong, null,
                        "The " + cookie + "'s Expires", "now + " + Describe(value.First(v => v is FromNow)), SecurityThresholds.Format(limit), SecurityThresholds.CookieKey);
                    break;
                case (SettingOwner.CookieBuilder, "Name") when IsSecureAlways(setting) && HasNoDomainAndRootPath(setting):
                    Judge(setting, v => v is string name && !name.StartsWith("__Host-", StringComparison.Ordinal), SecurityDescriptors.CookieNameWithoutHostPrefix,
                        IsStringLiteral(setting.Value) ? SecurityFixKinds.HostPrefix : null,
                        cookie, "is named " + setting.Value.Syntax);
                    break;
                case (SettingOwner.TypedSessionCookie, "UseHostPrefix") when IsSecureAlways(setting) && HasNoDomainAndRootPath(setting):
                    Judge(setting, v => v is false, SecurityDescriptors.CookieNameWithoutHostPrefix, SecurityFixKinds.RemoveAssignment,
                        cookie, "UseHostPrefix is false");
                    break;
            }
        }

        private void CheckLifetime(CollectedSetting setting, string what, TimeSpan limit, string key)
        {
            var value = setting.Evaluated!;
            Judge(setting, v => v is TimeSpan span && span > limit, SecurityDescriptors.LifetimeTooLong, null,
                what, Describe(value.First(v => v is TimeSpan span && span > limit)), SecurityThresholds.Format(limit), key);
        }

        // Reports the rule when every value the setting can take is insecure and the assignment always
        // runs; reports "may be insecure" (TS1010) when only some values or some paths are.
        private void Judge(CollectedSetting setting, Func<object, bool> insecure, DiagnosticDescriptor rule, string? fix, params object[] arguments)
        {
            var value = setting.Evaluated!;
            var verdict = value.Check(insecure);
            if (verdict == Verdict.Secure)
            {
                return;
            }

            var properties = fix is null ? ImmutableDictionary<string, string?>.Empty : Fix(fix);
            if (verdict == Verdict.Insecure && setting.Condition is null)
            {
                _report(Diagnostic.Create(Descriptor(rule), setting.Location, properties, arguments));
                return;
            }

            // The severity rule: an insecure value that only a Development branch gives is Info (TS1010); any other path is a Warning (TS1011).
            var condition = verdict == Verdict.MaybeInsecure ? value.Condition ?? setting.Condition : setting.Condition;
            var subject = DescribeSubject(setting) + " may be " + Describe(value.First(insecure));
            var developmentOnly = setting.RunsOnlyInDevelopment || value.OnlyInDevelopment(insecure);
            var conditional = developmentOnly ? SecurityDescriptors.MayBeInsecure : SecurityDescriptors.InsecureOnSomePath;
            _report(Diagnostic.Create(
                Descriptor(conditional), setting.Location, properties.SetItem(RuleKey, rule.Id), subject, condition ?? "a condition", rule.Id));
        }

        private DiagnosticDescriptor Descriptor(DiagnosticDescriptor rule)
            => _scope == SecurityScope.Block ? SecurityDescriptors.Local(rule) : rule;

        private static ImmutableDictionary<string, string?> Fix(string kinds) => ImmutableDictionary<string, string?>.Empty.Add(SecurityFixKinds.Key, kinds);

        // SameSite = None: use Lax instead, or (when the object sets no Secure/SecurePolicy at all) keep None and add Secure.
        private string SameSiteFixes(CollectedSetting setting)
        {
            if (setting.Path is null || SettingsOf(setting.Path).Any(s => s.Property is "Secure" or "SecurePolicy"))
            {
                return SecurityFixKinds.SameSiteLax;
            }

            return SecurityFixKinds.Join(
                SecurityFixKinds.SameSiteLax,
                setting.Owner == SettingOwner.CookieOptions ? SecurityFixKinds.AddSecureTrue : SecurityFixKinds.AddSecurePolicyAlways);
        }

        private static bool IsStringLiteral(IOperation value)
        {
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            return value is ILiteralOperation && value.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax;
        }

        private IEnumerable<CollectedSetting> SettingsOf(ObjectPath? path)
            => path is not null && _objects.TryGetValue(path, out var settings) ? settings : Enumerable.Empty<CollectedSetting>();

        private static bool PolicySets(IEnumerable<CollectedSetting> settings, string property, Func<object, bool> wanted)
            => settings.Any(s => s.Owner == SettingOwner.CookiePolicyOptions && s.Property == property && s.Condition is null
                                  && s.Evaluated!.Check(v => !wanted(v)) == Verdict.Secure);

        // Secure always: set so on the same object, or the TypedSessions default (Always) left alone.
        private bool IsSecureAlways(CollectedSetting setting)
        {
            var secure = SettingsOf(setting.Path).Where(s => s.Property is "Secure" or "SecurePolicy").ToList();
            if (secure.Count == 0)
            {
                return setting.Owner == SettingOwner.TypedSessionCookie;
            }

            return secure.All(s => s.Condition is null && s.Evaluated!.Check(v => v is not (true or EnumMember { Name: "Always" })) == Verdict.Secure);
        }

        private string DescribeSecure(CollectedSetting setting)
            => SettingsOf(setting.Path).FirstOrDefault(s => s.Property is "Secure" or "SecurePolicy") is { } secure
                ? secure.Location.SourceTree?.GetText().ToString(secure.Location.SourceSpan) ?? "Secure is not always set"
                : setting.Owner == SettingOwner.CookieOptions ? "Secure is not set" : "SecurePolicy is left at its default";

        private bool HasNoDomainAndRootPath(CollectedSetting setting)
            => SettingsOf(setting.Path).All(s => s.Property switch
            {
                "Domain" => s.Evaluated!.Check(v => v is not (string { Length: 0 }) && v != SettingValue.Null) == Verdict.Secure,
                "Path" => s.Evaluated!.Check(v => v is not "/" && v != SettingValue.Null) == Verdict.Secure,
                _ => true,
            });

        private static bool IsHeldBy(CollectedSetting setting, INamedTypeSymbol? holder)
            => setting.Path is { Properties.IsEmpty: false } path && SecurityTypes.Is(path.Holder, holder);

        private string DescribeCookie(CollectedSetting setting)
        {
            switch (setting.Owner)
            {
                case SettingOwner.TypedSessionCookie:
                    return "TypedSessions session cookie";
                case SettingOwner.CookieBuilder:
                    var types = _collected.Types;
                    return IsHeldBy(setting, types.SessionOptions) ? "session cookie (AddSession)"
                        : IsHeldBy(setting, types.CookieAuthenticationOptions) ? "authentication cookie"
                        : IsHeldBy(setting, types.AntiforgeryOptions) ? "antiforgery cookie"
                        : "cookie";
                default:
                    return "cookie";
            }
        }

        private string DescribeSubject(CollectedSetting setting) => setting.Owner switch
        {
            SettingOwner.TypedSessionOptions => "TypedSessions' " + setting.Property,
            SettingOwner.SessionOptions => "The session's " + setting.Property,
            SettingOwner.CookieAuthenticationOptions => "The authentication cookie's " + setting.Property,
            _ => "The " + DescribeCookie(setting) + "'s " + setting.Property,
        };

        private SecurityThresholds Thresholds(CollectedSetting setting)
            => SecurityThresholds.Read(setting.Location.SourceTree is { } tree
                ? _options.AnalyzerConfigOptionsProvider.GetOptions(tree)
                : _options.AnalyzerConfigOptionsProvider.GlobalOptions);

        private static string Describe(object? value) => value switch
        {
            bool flag => flag ? "true" : "false",
            TimeSpan span => SecurityThresholds.Format(span),
            FromNow fromNow => SecurityThresholds.Format(fromNow.Offset),
            string text => "\"" + text + "\"",
            null => "null",
            _ => value.ToString() ?? "null",
        };
    }
}
