using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// TS1001/TS1003 for a <c>Set-Cookie</c> header written by hand: the value (a constant, an interpolated string or a
    /// concatenation) is read as <c>name=value; attribute; ...</c>, attribute names compared ignoring case. Parts the
    /// analysis cannot see (interpolation holes, variables) are accepted as the cookie's value (after <c>name=</c>, a
    /// cookie value cannot hold a <c>;</c>); anywhere else they could carry the attributes, so the header is not judged.
    /// <c>UseCookiePolicy</c> does not see such headers (it wraps <c>Response.Cookies</c> only), so nothing mitigates them.
    /// </summary>
    internal sealed partial class SecurityRules
    {
        /// <summary>The diagnostic property marking a finding on a hand-written <c>Set-Cookie</c> header (which no cookie policy mitigates).</summary>
        public const string HeaderKey = "SetCookieHeader";

        private const char Hole = '\0';

        private void ReportHeaders()
        {
            foreach (var header in _collected.Headers.OrderBy(h => h.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(h => h.Location.SourceSpan.Start))
            {
                if (ReadAttributes(header.Value) is not { } attributes)
                {
                    continue;
                }

                var properties = Fix(SecurityFixKinds.HeaderSecure).Add(HeaderKey, "true");
                if (!attributes.Contains("secure"))
                {
                    _report(Diagnostic.Create(
                        Descriptor(SecurityDescriptors.CookieNotSecure), header.Location, properties,
                        "cookie written as a Set-Cookie header", "the header has no Secure attribute", "add \"; Secure\""));
                }

                if (!attributes.Contains("httponly"))
                {
                    _report(Diagnostic.Create(
                        Descriptor(SecurityDescriptors.CookieNotHttpOnly), header.Location, properties.SetItem(SecurityFixKinds.Key, SecurityFixKinds.HeaderHttpOnly),
                        "cookie written as a Set-Cookie header", "the header has no HttpOnly attribute"));
                }
            }
        }

        /// <summary>The attribute names (lower case) of a Set-Cookie value; null when the value cannot be judged or deletes the cookie.</summary>
        public static HashSet<string>? ReadAttributes(IOperation value)
        {
            var text = new StringBuilder();
            if (!Flatten(value, text, 0))
            {
                return null;
            }

            var header = text.ToString();
            var firstSemicolon = header.IndexOf(';');
            var pair = firstSemicolon < 0 ? header : header.Substring(0, firstSemicolon);
            var equals = pair.IndexOf('=');

            // Unknown parts are accepted only as the cookie's value (after "name="); elsewhere they could be attributes.
            if (pair.IndexOf(Hole) is var hole && hole >= 0 && (equals < 0 || hole < equals))
            {
                return null;
            }

            if (equals < 0 || pair.Substring(0, equals).Trim().Length == 0)
            {
                // Not a cookie at all ("Set-Cookie: foo"): nothing to judge.
                return null;
            }

            var attributes = firstSemicolon < 0 ? string.Empty : header.Substring(firstSemicolon + 1);
            if (attributes.IndexOf(Hole) >= 0)
            {
                return null;
            }

            var parsed = attributes.Split(';')
                .Select(a => a.IndexOf('=') is var i && i >= 0
                    ? (Name: a.Substring(0, i).Trim().ToLowerInvariant(), Value: a.Substring(i + 1).Trim())
                    : (Name: a.Trim().ToLowerInvariant(), Value: string.Empty))
                .Where(a => a.Name.Length > 0)
                .ToList();

            // A header that deletes the cookie (Max-Age=0 or less, or an empty value with an Expires) carries nothing to protect.
            var deletes = parsed.Any(a => a.Name == "max-age" && int.TryParse(a.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var age) && age <= 0)
                          || (pair.Substring(equals + 1).Trim().Length == 0 && parsed.Any(a => a.Name == "expires"));
            return deletes ? null : new HashSet<string>(parsed.Select(a => a.Name), StringComparer.Ordinal);
        }

        // Writes the value's text, with Hole for each part the analysis cannot see; false when nothing of it is known.
        private static bool Flatten(IOperation operation, StringBuilder text, int depth)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (depth > 16)
            {
                text.Append(Hole);
                return false;
            }

            if (operation.ConstantValue is { HasValue: true, Value: string constant })
            {
                text.Append(constant);
                return true;
            }

            switch (operation)
            {
                case IInterpolatedStringOperation interpolated:
                    var known = false;
                    foreach (var part in interpolated.Parts)
                    {
                        switch (part)
                        {
                            case IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string literal } }:
                                text.Append(literal);
                                known = true;
                                break;
                            case IInterpolationOperation { Expression.ConstantValue: { HasValue: true, Value: { } inlined } }
                                when part is IInterpolationOperation { Alignment: null, FormatString: null }:
                                text.Append(inlined);
                                known = true;
                                break;
                            default:
                                text.Append(Hole);
                                break;
                        }
                    }

                    return known;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } concatenation when concatenation.Type?.SpecialType == SpecialType.System_String:
                    var left = Flatten(concatenation.LeftOperand, text, depth + 1);
                    var right = Flatten(concatenation.RightOperand, text, depth + 1);
                    return left || right;
                default:
                    text.Append(Hole);
                    return false;
            }
        }
    }
}
