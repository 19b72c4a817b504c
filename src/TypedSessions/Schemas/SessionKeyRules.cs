// The one definition of a valid session key. This file is compiled into the runtime (TypedSessions) and, as a
// linked source, into the schema analyzer (generators/TypedSessions.Generators, netstandard2.0), so the two
// cannot drift apart. Keep it to what both target frameworks have.
using System;

namespace TypedSessions;

/// <summary>
/// What a session key may be, for every API that writes one: the untyped <c>Session</c> API (which throws
/// <see cref="ArgumentException"/>) and <c>[SessionSchema]</c> properties (reported by the analyzer as TS0009).
/// </summary>
/// <remarks>
/// <para>A key is 1 to <see cref="MaxKeyLength"/> UTF-16 characters; it is well-formed UTF-16 (no unpaired
/// surrogate: stores keep keys as UTF-8, which has no form for one, so it would come back as U+FFFD, under another
/// key); it has no control character (U+0000 to U+001F, U+007F to U+009F); and it is not only white space.</para>
/// <para>Keys starting with <see cref="ReservedPrefix"/> (<c>__</c>) are reserved for framework-owned keys: those of
/// TypedSessions and its integrations, such as ASP.NET Core's <c>ISession</c> and MVC TempData
/// (<c>__ControllerTempData</c>). The untyped API accepts them, so those integrations can write them; a schema may
/// not declare one (<see cref="IsReserved"/>, TS0009), so an app's typed keys never collide with them.</para>
/// <para>The character classes are fixed tables, not the host's Unicode data: the analyzer may run on .NET
/// Framework inside an IDE, and must give the runtime's answer for every key.</para>
/// <para>The rule applies to keys being written. Stores and the decoder do not apply it to stored records
/// (<c>SessionRecordDecoder</c> checks their encoding and sizes), so a key written under an older rule stays readable
/// and removable.</para>
/// </remarks>
internal static class SessionKeyRules
{
    /// <summary>
    /// Longest key accepted, in UTF-16 characters. A UTF-16 character takes at most 3 UTF-8 bytes (a surrogate pair, 2
    /// characters, takes 4), so a key takes at most 768, within <c>SessionEnvelopeLimits.MaxKeyBytes</c>'s default 1,024.
    /// </summary>
    public const int MaxKeyLength = 256;

    /// <summary>The prefix of framework-owned keys: accepted by the untyped API, refused in a schema.</summary>
    public const string ReservedPrefix = "__";

    /// <summary>Why <paramref name="key"/> is not a session key, or <see langword="null"/> when it is one. The reserved prefix is not checked here (<see cref="IsReserved"/>).</summary>
    /// <param name="key">The key (not <see langword="null"/>).</param>
    /// <returns>A lowercase sentence fragment, or <see langword="null"/>.</returns>
    public static string? DescribeInvalidKey(string key)
    {
        if (key.Length == 0)
        {
            return "a key cannot be empty or white space";
        }

        if (key.Length > MaxKeyLength)
        {
            return "a key can have at most " + MaxKeyLength + " characters, this one has " + key.Length;
        }

        if (!IsWellFormed(key))
        {
            return "a key must be well-formed Unicode: it contains an unpaired surrogate, which cannot be stored as UTF-8";
        }

        var onlyWhiteSpace = true;
        foreach (var c in key)
        {
            if (IsControl(c))
            {
                return "a key cannot contain control characters";
            }

            onlyWhiteSpace &= IsWhiteSpace(c);
        }

        return onlyWhiteSpace ? "a key cannot be empty or white space" : null;
    }

    /// <summary>Whether <paramref name="key"/> starts with <see cref="ReservedPrefix"/>.</summary>
    /// <param name="key">The key.</param>
    public static bool IsReserved(string key) => key.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="value"/> has no unpaired surrogate, so that it has a UTF-8 form.</summary>
    /// <param name="value">The string.</param>
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The control characters (Unicode category Cc, which is closed): U+0000 to U+001F and U+007F to U+009F.</summary>
    /// <param name="c">The character.</param>
    public static bool IsControl(char c) => c <= '\u001F' || (c >= '\u007F' && c <= '\u009F');

    /// <summary>
    /// The white space of .NET 10's <see cref="char.IsWhiteSpace(char)"/> (Unicode 16's White_Space property), as a fixed
    /// table: U+0009 to U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    /// </summary>
    /// <param name="c">The character.</param>
    public static bool IsWhiteSpace(char c) => c switch
    {
        >= '\u0009' and <= '\u000D' => true,
        '\u0020' or '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };
}
