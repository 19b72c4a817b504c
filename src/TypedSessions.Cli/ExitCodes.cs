namespace TypedSessions.Cli;

/// <summary>The process exit codes of <c>typedsessions</c> (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Bad command line: unknown command or option, missing or invalid value, or a confirmation that was not given.</summary>
    public const int Usage = 1;

    /// <summary><c>check</c> found at least one insecure setting (a warning); shares its value with <see cref="Usage"/>.</summary>
    public const int CheckFindings = 1;

    /// <summary>Bad configuration: config file missing or unreadable, no store chosen, missing connection, or a store that cannot do the command.</summary>
    public const int Configuration = 2;

    /// <summary>The store could not be reached or failed while working.</summary>
    public const int StoreFailed = 3;

    /// <summary>Cancelled with Ctrl+C (128 + SIGINT); what was done before stays done.</summary>
    public const int Cancelled = 130;
}
