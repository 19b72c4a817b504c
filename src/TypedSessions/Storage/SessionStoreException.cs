namespace TypedSessions.Storage;

/// <summary>A store could not complete an operation (backend down, corrupt data it cannot read, ...).</summary>
public class SessionStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionStoreException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public SessionStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public SessionStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
