namespace TypedSessions.Storage;

/// <summary>Caps the envelope decoder enforces before allocating, so hostile bytes cannot exhaust memory.</summary>
public sealed record SessionEnvelopeLimits
{
    /// <summary>The defaults: 16 MiB per envelope, 10,000 keys, 1,024-byte keys.</summary>
    public static SessionEnvelopeLimits Default { get; } = new();

    /// <summary>Largest envelope accepted, in bytes.</summary>
    public int MaxEnvelopeBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most keys accepted in one session.</summary>
    public int MaxKeys { get; init; } = 10_000;

    /// <summary>Longest key accepted, in UTF-8 bytes.</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>Longest user key accepted, in UTF-8 bytes.</summary>
    public int MaxUserKeyBytes { get; init; } = 1024;
}
