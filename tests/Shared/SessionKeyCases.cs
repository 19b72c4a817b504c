namespace TypedSessions.Tests.Shared;

/// <summary>
/// One table of session keys and whether the untyped <c>Session</c> API accepts them, compiled into the runtime's tests
/// (<c>SessionKeyRuleTests</c>) and the analyzer's (<c>SessionKeyAgreementTests</c>), so that both run the same keys. A
/// <c>[SessionSchema]</c> accepts exactly the same keys except those starting with <c>__</c> (the reserved prefix).
/// </summary>
internal static class SessionKeyCases
{
    /// <summary>(what the case shows, the key, whether the untyped API accepts it).</summary>
    public static IReadOnlyList<(string Name, string Key, bool Accepted)> All { get; } =
    [
        ("a short key", "k", true),
        ("a word", "uid", true),
        ("the longest key", new string('k', 256), true),
        ("one character too long", new string('k', 257), false),
        ("empty", "", false),
        ("one space", " ", false),
        ("only Unicode white space", "\u3000\u00A0\u2028", false),
        ("white space around a word", " padded ", true),
        ("white space inside", "a b", true),
        ("a no-break space before a letter", "\u00A0x", true),
        ("only a tab", "\t", false),
        ("a NUL inside", "a\0b", false),
        ("a line feed at the end", "line\n", false),
        ("DEL", "a\u007Fb", false),
        ("NEL, a C1 control that is also white space", "a\u0085b", false),
        ("the last C1 control", "a\u009Fb", false),
        ("letters, a check mark and a surrogate pair", "ключ ✓ 🔑", true),
        ("a lone high surrogate", "\uD800", false),
        ("a lone low surrogate after a letter", "a\uDC00", false),
        ("a surrogate pair in the wrong order", "\uDD11\uD83D", false),
        ("128 surrogate pairs (256 characters)", string.Concat(Enumerable.Repeat("🔑", 128)), true),
        ("129 surrogate pairs (258 characters)", string.Concat(Enumerable.Repeat("🔑", 129)), false),
        ("256 three-byte characters (768 UTF-8 bytes)", new string('€', 256), true),
        ("a zero-width space (a format character, not white space)", "\u200B", true),
        ("U+180E, white space before Unicode 6.3 and not since", "\u180E", true),
        ("a byte order mark first", "\uFEFFbom", true),
        ("a noncharacter", "\uFFFF", true),
        ("quotes and a backslash", "\"quoted\\\"", true),
        ("one underscore", "_a", true),
        ("underscores at the end", "a__", true),
        ("the reserved prefix alone", "__", true),
        ("MVC TempData's key", "__ControllerTempData", true),
        ("the reserved prefix and a control character", "__\t", false),
        ("the reserved prefix, too long", "__" + new string('k', 255), false),
    ];

    /// <summary>Whether <paramref name="key"/> starts with the prefix reserved for framework-owned keys.</summary>
    /// <param name="key">The key.</param>
    public static bool IsReserved(string key) => key.StartsWith("__", StringComparison.Ordinal);
}
