using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using TypedSessions.Storage;

namespace TypedSessions;

/// <summary>
/// A short, non-secret, stable name for one stored session: the first <see cref="Length"/> lowercase hexadecimal
/// characters of its store key (the SHA-256 of the session id, <see cref="SessionStoreKey"/>). Safe to log, to show a
/// user ("your sessions"), to put in a URL or an audit record: it cannot be turned back into the id (the cookie value)
/// nor used to open the session, because it is a prefix of a hash of the id. Session events
/// (<see cref="ISessionEvents"/>) carry it instead of the id.
/// </summary>
/// <remarks>
/// <para>The handle of a session is the same in every process and on every store and stays the same for its whole
/// life; cycling the id (<see cref="Session.CycleId"/>, <see cref="Session.SignIn"/>) gives the session a new id and so
/// a new handle. Its first 12 characters are the short hash the TypedSessions logs and traces show
/// (<c>typedsessions.session.id_hash</c>), so a handle and a log line can be matched.</para>
/// <para>64 bits of the hash: distinct among the sessions of one user or one app in practice, but not a key to look a
/// session up by — to act on a session named by a handle, find it among the candidates (for example a user's sessions)
/// by comparing <see cref="FromStoreKey"/> of each.</para>
/// <para>The <see langword="default"/> value names no session; its <see cref="ToString"/> is empty.</para>
/// </remarks>
public readonly record struct SessionHandle
{
    /// <summary>A handle's length, in characters.</summary>
    public const int Length = 16;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private readonly string? _value;

    private SessionHandle(string value) => _value = value;

    /// <summary>The handle of the session stored under <paramref name="storeKey"/>.</summary>
    /// <param name="storeKey">The store key: 64 lowercase hexadecimal characters, as stores, <see cref="ISessionManager"/> and the CLI show it.</param>
    /// <returns>The handle.</returns>
    /// <exception cref="ArgumentException"><paramref name="storeKey"/> is not a store key.</exception>
    public static SessionHandle FromStoreKey(string storeKey)
    {
        SessionStoreKey.ThrowIfInvalid(storeKey);
        return new SessionHandle(storeKey[..Length]);
    }

    /// <summary>
    /// Reads a handle written by <see cref="ToString"/> (for example one posted back from a "your sessions" page); a
    /// minimal-API route or query parameter of this type binds through it.
    /// </summary>
    /// <param name="value">Exactly <see cref="Length"/> lowercase hexadecimal characters.</param>
    /// <param name="handle">The handle, or <see langword="default"/>.</param>
    /// <returns>Whether <paramref name="value"/> is a handle.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out SessionHandle handle)
    {
        if (value is { Length: Length } && !value.AsSpan().ContainsAnyExcept(LowerHex))
        {
            handle = new SessionHandle(value);
            return true;
        }

        handle = default;
        return false;
    }

    /// <summary>The handle: <see cref="Length"/> lowercase hexadecimal characters (empty for <see langword="default"/>).</summary>
    /// <returns>The handle's text.</returns>
    public override string ToString() => _value ?? string.Empty;
}
