namespace TypedSessions.Cli;

/// <summary>Ends a command with a message on stderr and the given exit code.</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;
}
