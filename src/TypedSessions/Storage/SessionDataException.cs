namespace TypedSessions.Storage;

/// <summary>
/// Stored or transmitted session bytes are malformed, truncated, too large or of an unknown format.
/// The session is treated as absent (a fresh one gets a new id); the bad record is never overwritten.
/// </summary>
public sealed class SessionDataException : SessionStoreException
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the bytes.</param>
    public SessionDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong with the bytes.</param>
    /// <param name="innerException">The decoder's error.</param>
    public SessionDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
