using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TypedSessions.Storage;

/// <summary>
/// The form of the keys every <see cref="ISessionStore"/> is given: the SHA-256 of a session id as 64 lowercase
/// hexadecimal characters. Stores check it with <see cref="ThrowIfInvalid"/> before a key reaches their backend,
/// and with <see cref="IsValid"/> when they enumerate what they hold.
/// </summary>
public static class SessionStoreKey
{
    /// <summary>A store key's length, in characters.</summary>
    public const int Length = 64;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>Whether <paramref name="key"/> is a store key: exactly <see cref="Length"/> characters, each <c>0</c>-<c>9</c> or <c>a</c>-<c>f</c>.</summary>
    /// <param name="key">The characters to check (a <see langword="null"/> string converts to an empty span, which is not a key).</param>
    /// <returns>Whether it is a store key.</returns>
    public static bool IsValid(ReadOnlySpan<char> key) => key.Length == Length && !key.ContainsAnyExcept(LowerHex);

    /// <summary>Throws unless <paramref name="key"/> is a store key (<see cref="IsValid"/>).</summary>
    /// <param name="key">The key a store was given.</param>
    /// <param name="parameterName">The caller's parameter name (filled in by the compiler).</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is <see langword="null"/> or not a store key.</exception>
    public static void ThrowIfInvalid([NotNull] string? key, [CallerArgumentExpression(nameof(key))] string? parameterName = null)
    {
        if (key is null || !IsValid(key))
        {
            throw new ArgumentException("A store key is 64 lowercase hex characters (the SHA-256 of a session id).", parameterName);
        }
    }
}
