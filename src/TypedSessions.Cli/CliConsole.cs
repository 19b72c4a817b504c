namespace TypedSessions.Cli;

/// <summary>Where the tool writes, and what its streams are attached to.</summary>
/// <param name="Out">Results (stdout).</param>
/// <param name="Error">Progress, warnings and errors (stderr).</param>
/// <param name="In">Answers to confirmations (stdin).</param>
/// <param name="ErrorIsTerminal">Whether stderr is a terminal (a redrawn progress bar) rather than a file or pipe (plain lines).</param>
/// <param name="InputIsInteractive">Whether stdin is a terminal a person can answer a confirmation on.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, bool ErrorIsTerminal, bool InputIsInteractive)
{
    /// <summary>The process's console.</summary>
    public static CliConsole System => new(Console.Out, Console.Error, Console.In, !Console.IsErrorRedirected, !Console.IsInputRedirected);
}
