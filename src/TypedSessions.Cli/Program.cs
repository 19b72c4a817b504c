using TypedSessions.Cli;

// Ctrl+C cancels the running command between batches (exit code 130); a second Ctrl+C ends the process.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

return await TypedSessionsCli.RunAsync(args, CliConsole.System, cancellation.Token).ConfigureAwait(false);
