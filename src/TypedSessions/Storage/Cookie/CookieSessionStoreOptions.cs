namespace TypedSessions.Storage.Cookie;

/// <summary>Settings of the encrypted cookie store (<see cref="CookieSessionStore"/>).</summary>
public sealed class CookieSessionStoreOptions
{
    /// <summary>
    /// Most characters of protected value per cookie. Default 3,900: with the name (up to about 20
    /// characters) and the attributes (about 110 with Expires and Max-Age) a whole <c>Set-Cookie</c> line
    /// stays under the 4,096 bytes every browser keeps (RFC 6265 §6.1).
    /// </summary>
    public int ChunkSize { get; set; } = 3900;

    /// <summary>
    /// Most chunks one session may take. Default 4 (15,600 bytes of value, sent with every request to the
    /// site); a session that needs more is a <see cref="SessionCookieTooLargeException"/>, with nothing written.
    /// A value that fits one chunk is one cookie; a split value also takes the base cookie (<c>chunks-N</c>).
    /// </summary>
    public int MaxChunks { get; set; } = 4;

    /// <summary>Envelopes of at least this many bytes are Brotli-compressed before encryption (kept only when smaller). Default 128.</summary>
    public int CompressionThreshold { get; set; } = 128;

    /// <summary>The longest protected value accepted, in characters: <see cref="ChunkSize"/> × <see cref="MaxChunks"/>.</summary>
    public int MaxTotalSize => checked(ChunkSize * MaxChunks);
}
