namespace TypedSessions;

/// <summary>How a commit treats a key that another request changed while this one was running.</summary>
public enum SessionConcurrencyMode
{
    /// <summary>
    /// The default. A key this request read and then wrote (read-modify-write, including a value read from the
    /// session and changed in place) is saved only if the store still holds the value that was read; otherwise the
    /// commit fails with <see cref="SessionConflictException"/> (409) and nothing is written. Keys written without
    /// being read first (blind writes) keep last-writer-wins.
    /// </summary>
    DetectConflicts = 0,

    /// <summary>Every written key is saved as it is: the last writer wins, and a read-modify-write that raced another one loses that one's write.</summary>
    LastWriterWins = 1,
}
