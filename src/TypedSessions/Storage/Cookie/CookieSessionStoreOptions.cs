namespace TypedSessions.Storage.Cookie;

/// <summary>Settings of the encrypted cookie store (<see cref="CookieSessionStore"/>).</summary>
public sealed class CookieSessionStoreOptions
{
    /// <summary>
    /// Most characters of protected value per cookie. Default 4,000: with the name and attributes a
    /// <c>Set-Cookie</c> line stays under the 4,096 bytes every browser keeps.
    /// </summary>
    public int ChunkSize { get; set; } = 4000;

    /// <summary>
    /// Most cookies one session may take. Default 4 (about 16 KB, sent with every request to the
    /// site); a session that needs more is a <see cref="SessionCookieTooLargeException"/>, with nothing written.
    /// </summary>
    public int MaxChunks { get; set; } = 4;

    /// <summary>Envelopes of at least this many bytes are Brotli-compressed before encryption (kept only when smaller). Default 128.</summary>
    public int CompressionThreshold { get; set; } = 128;

    /// <summary>The longest protected value accepted, in characters: <see cref="ChunkSize"/> × <see cref="MaxChunks"/>.</summary>
    public int MaxTotalSize => checked(ChunkSize * MaxChunks);
}
