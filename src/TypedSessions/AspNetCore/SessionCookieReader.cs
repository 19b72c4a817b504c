using Microsoft.Extensions.Primitives;

namespace TypedSessions.AspNetCore;

/// <summary>
/// Reads the session cookie from the raw <c>Cookie</c> header(s): by its exact, case-sensitive name, the value exactly
/// as sent (no percent-decoding, no unquoting). ASP.NET Core's <c>Request.Cookies</c> is not used because it
/// percent-decodes values and keeps one of several same-named cookies silently.
/// </summary>
internal static class SessionCookieReader
{
    /// <summary>What the header held for the name.</summary>
    /// <param name="Value">The value, when the name occurs once or every occurrence has the same value.</param>
    /// <param name="Ambiguous">How many occurrences there were when they disagree (then <paramref name="Value"/> is <see langword="null"/>); else 0.</param>
    internal readonly record struct Result(string? Value, int Ambiguous);

    /// <summary>Finds <paramref name="name"/> among the cookie pairs of <paramref name="headers"/>.</summary>
    /// <param name="headers">The request's <c>Cookie</c> header values.</param>
    /// <param name="name">The cookie name (compared ordinally).</param>
    /// <returns>The value, none, or ambiguity: two cookies of that name with different values are treated as no session.</returns>
    public static Result Read(StringValues headers, string name)
    {
        string? value = null;
        var count = 0;
        var differ = false;
        foreach (var header in headers)
        {
            if (string.IsNullOrEmpty(header))
            {
                continue;
            }

            // cookie-string = cookie-pair *( ";" SP cookie-pair ) (RFC 6265 §4.2.1); spaces around pairs are tolerated.
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf(';');
                var pair = (end < 0 ? rest : rest[..end]).Trim(' ');
                rest = end < 0 ? [] : rest[(end + 1)..];
                var equals = pair.IndexOf('=');
                if (equals < 0 || !pair[..equals].Trim(' ').SequenceEqual(name))
                {
                    continue;
                }

                var candidate = pair[(equals + 1)..].Trim(' ');
                count++;
                if (value is null)
                {
                    value = candidate.ToString();
                }
                else if (!candidate.SequenceEqual(value))
                {
                    differ = true;
                }
            }
        }

        return differ ? new Result(null, count) : new Result(value, 0);
    }
}
