namespace TypedSessions;

/// <summary>
/// The session could not be loaded or saved because its store failed or timed out. Under
/// <see cref="StoreFailurePolicy.ServiceUnavailable"/> the middleware turns it into a 503.
/// </summary>
public sealed class SessionUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's error, if any.</param>
    public SessionUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A write would make the session larger than <see cref="TypedSessionOptions.MaxSessionSize"/>, or give it more keys
/// than a store loads (<see cref="Storage.SessionEnvelopeLimits.MaxKeys"/>); nothing was written.
/// </summary>
public sealed class SessionTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The key being written, if one.</param>
    /// <param name="size">The size the session would have, in bytes.</param>
    /// <param name="limit">The configured limit, in bytes.</param>
    public SessionTooLargeException(string? key, long size, long limit)
        : base(key is null
            ? $"The session would be {size} bytes, over the limit of {limit} bytes (TypedSessionOptions.MaxSessionSize). Nothing was saved."
            : $"Writing '{key}' would make the session {size} bytes, over the limit of {limit} bytes (TypedSessionOptions.MaxSessionSize). Nothing was written.")
    {
        Key = key;
        Size = size;
        Limit = limit;
    }

    // A blind write the store refused (ISessionBlindWriter): the store knows the session is too large, not by how much.
    internal SessionTooLargeException(IReadOnlyCollection<string> keys, long limit)
        : base($"Writing {string.Join(", ", keys.Select(k => $"'{k}'"))} would make the stored session larger than the limit of {limit} bytes (TypedSessionOptions.MaxSessionSize), or give it more keys than a stored session may hold (SessionEnvelopeLimits.MaxKeys). Nothing was saved.")
    {
        Key = keys.Count == 1 ? keys.First() : null;
        Size = -1;
        Limit = limit;
    }

    private SessionTooLargeException(string message, string? key)
        : base(message)
    {
        Key = key;
        Size = -1;
        Limit = -1;
    }

    /// <summary>The key being written, or <see langword="null"/> when the commit found the session too large.</summary>
    public string? Key { get; }

    /// <summary>
    /// The size the session would have had, in bytes; -1 when the store refused a write made without loading the session
    /// (it does not report by how much), or when the limit reached is the number of keys (see the message).
    /// </summary>
    public long Size { get; }

    /// <summary>The configured limit, in bytes; -1 when the limit reached is the number of keys.</summary>
    public long Limit { get; }

    // A new key past SessionEnvelopeLimits.MaxKeys, the most keys a store loads.
    internal static SessionTooLargeException TooManyKeys(string key, int keys, int maxKeys)
        => new($"Writing '{key}' would give the session {keys} keys, more than the {maxKeys} a stored session may hold (SessionEnvelopeLimits.MaxKeys). Nothing was written.", key);

    // A save or cycle the store refused: the stored session with the changes applied would hold more keys than the store
    // loads (its SessionEnvelopeLimits.MaxKeys), e.g. because other requests added keys since this one loaded it.
    internal static SessionTooLargeException StoreRefusedKeys(IReadOnlyCollection<string> keys)
        => new(
            $"Writing {string.Join(", ", keys.Select(k => $"'{k}'"))} would give the stored session more keys than the store loads (SessionEnvelopeLimits.MaxKeys; other requests may have added keys meanwhile). Nothing was saved.",
            keys.Count == 1 ? keys.First() : null);
}

/// <summary>A stored value cannot be read as the requested type (corrupt, or written as another type). The stored value is left as it is.</summary>
public sealed class SessionValueException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The key.</param>
    /// <param name="type">The requested type.</param>
    /// <param name="innerException">The serializer's error.</param>
    public SessionValueException(string key, Type type, Exception innerException)
        : base($"The session value '{key}' cannot be read as {type}: {innerException.Message}", innerException)
    {
        Key = key;
        ValueType = type;
    }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The requested type.</summary>
    public Type ValueType { get; }
}

/// <summary>
/// With the cookie store, the protected session would need more chunks than
/// <see cref="Storage.Cookie.CookieSessionStoreOptions.MaxChunks"/> allows; no cookie was written or changed.
/// </summary>
public sealed class SessionCookieTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="size">The protected cookie value's length, in bytes (ASCII characters).</param>
    /// <param name="limit">The limit, in bytes (chunk size × most chunks).</param>
    /// <param name="chunks">How many chunks the value would need.</param>
    /// <param name="maxChunks">How many are allowed.</param>
    public SessionCookieTooLargeException(long size, long limit, int chunks, int maxChunks)
        : base($"The encrypted session cookie would be {size} bytes ({chunks} chunks), over the limit of {limit} bytes ({maxChunks} chunks; CookieSessionStoreOptions.MaxChunks and ChunkSize). " +
            "Nothing was written: the client keeps its previous cookie. Store less in the session, or use a server-side store.")
    {
        Size = size;
        Limit = limit;
        Chunks = chunks;
        MaxChunks = maxChunks;
    }

    /// <summary>The protected value's length, in bytes.</summary>
    public long Size { get; }

    /// <summary>The limit, in bytes.</summary>
    public long Limit { get; }

    /// <summary>How many chunks the value would need.</summary>
    public int Chunks { get; }

    /// <summary>How many chunks are allowed (<see cref="Storage.Cookie.CookieSessionStoreOptions.MaxChunks"/>).</summary>
    public int MaxChunks { get; }
}

/// <summary>
/// The session this request loaded was cycled, flushed, revoked or expired by the time the request committed, or the
/// request carried the old id of a session cycled or flushed moments ago (Django's <c>SessionInterrupted</c>). Nothing
/// from the request was saved and no cookie is set; the middleware answers 409 Conflict.
/// </summary>
public sealed class SessionInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    public SessionInterruptedException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// A key this request read and then wrote was changed by another request in between (lost update detected, see
/// <see cref="SessionConcurrencyMode.DetectConflicts"/>). Nothing from the request was saved and the cookie is left as it
/// was; the middleware answers 409 Conflict with <c>Retry-After</c>, and the client may retry the request.
/// </summary>
public sealed class SessionConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="keys">The keys this request read and then wrote; at least one of them was changed meanwhile.</param>
    public SessionConflictException(IReadOnlyCollection<string> keys)
        : base(keys is { Count: > 0 }
            ? $"Another request changed the session after this request read it (checked keys: {string.Join(", ", keys.Select(k => "'" + k + "'"))}); nothing was saved. Retry the request."
            : "Another request held the session while this request wrote to it (a sign-in moving it to a new id); nothing was saved. Retry the request.")
    {
        Keys = keys ?? [];
    }

    /// <summary>The keys this request read and then wrote; at least one of them held another value at commit.</summary>
    public IReadOnlyCollection<string> Keys { get; }
}
