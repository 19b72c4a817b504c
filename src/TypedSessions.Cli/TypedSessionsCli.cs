using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TypedSessions.Storage;

namespace TypedSessions.Cli;

/// <summary>
/// The <c>typedsessions</c> commands: <c>clear-expired</c> (Django's <c>clearsessions</c>), <c>stats</c>
/// <c>revoke-user</c>, <c>sessions</c> and <c>check</c> (Django's <c>check --deploy</c>). <see cref="RunAsync"/> is the whole tool; <c>Program.cs</c> only wires Ctrl+C.
/// </summary>
internal sealed class TypedSessionsCli
{
    private readonly Option<string?> StoreOption = new("--store", "-s")
    {
        Description = "The store: sqlite, postgresql, redis or file. Default: TypedSessions:Store from --config.",
        HelpName = "name",
        Recursive = true,
    };

    private readonly Option<string?> ConnectionOption = new("--connection", "-c")
    {
        Description = "The connection string (the folder for the file store). Default: TypedSessions:ConnectionString (or :Folder) from --config.",
        HelpName = "string",
        Recursive = true,
    };

    private readonly Option<FileInfo?> ConfigOption = new("--config")
    {
        Description = "An app's appsettings.json to read the store settings from (the app's folder is the content root for default paths).",
        HelpName = "path",
        Recursive = true,
    };

    private readonly Option<string> SectionOption = new("--section")
    {
        Description = "The configuration section with the TypedSessions settings.",
        HelpName = "name",
        DefaultValueFactory = _ => TypedSessionOptions.SectionName,
        Recursive = true,
    };

    private readonly Option<string?> TableOption = new("--table")
    {
        Description = "The table (sqlite, postgresql). Default: typedsessions.",
        HelpName = "name",
        Recursive = true,
    };

    private readonly Option<string?> KeyPrefixOption = new("--key-prefix")
    {
        Description = "The key prefix (redis). Default: typedsessions:.",
        HelpName = "prefix",
        Recursive = true,
    };

    private readonly Option<bool> QuietOption = new("--quiet", "-q")
    {
        Description = "No progress and no summary; only errors (the exit code tells the outcome).",
        Recursive = true,
    };

    private readonly Option<int?> BatchSizeOption = new("--batch-size")
    {
        Description = "Sessions deleted per statement (sqlite, postgresql) or keys scanned per page (redis). Default: the store's CleanupBatchSize.",
        HelpName = "count",
    };

    private readonly Option<bool> DryRunOption = new("--dry-run")
    {
        Description = "Count the expired sessions without deleting them (needs a store with statistics).",
    };

    private readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Write the numbers as one JSON object.",
    };

    private readonly Option<bool> YesOption = new("--yes", "-y")
    {
        Description = "Do not ask for confirmation (required when stdin is not a terminal).",
    };

    private readonly Option<string?> EnvironmentOption = new("--environment", "-e")
    {
        Description = "The environment whose appsettings.{Environment}.json is read. Default: ASPNETCORE_ENVIRONMENT, DOTNET_ENVIRONMENT, else Production.",
        HelpName = "name",
    };

    private readonly Argument<string> UserKeyArgument = new("user-key")
    {
        Description = "The user key the sessions were bound with (Session.BindUser), compared exactly.",
    };

    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where to write and read.</param>
    /// <param name="cancellationToken">Ctrl+C: stops the work between batches.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var root = new TypedSessionsCli().BuildCommand(console);
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,

            // Program.cs turns Ctrl+C into the token; the commands turn a cancellation into exit code 130.
            ProcessTerminationTimeout = null,
        };

        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    internal Command BuildCommand(CliConsole console)
    {
        // A plain command named after the tool rather than a RootCommand, whose name is the host executable's
        // ("TypedSessions.Cli" under `dotnet TypedSessions.Cli.dll`, "testhost" in tests): help reads the same everywhere.
        var root = new Command("typedsessions",
            "typedsessions: maintenance of TypedSessions session stores.\n" +
            "Exit codes: 0 ok, 1 usage error (check: an insecure setting), 2 configuration error, 3 store unreachable or failed, 130 cancelled (Ctrl+C).")
        {
            StoreOption, ConnectionOption, ConfigOption, SectionOption, TableOption, KeyPrefixOption, QuietOption,
            new System.CommandLine.Help.HelpOption(), new VersionOption(),
        };
        StoreOption.AcceptOnlyFromAmong(StoreFactory.Names);
        BatchSizeOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--batch-size must be at least 1.");
            }
        });

        var clear = new Command("clear-expired", "Delete every expired session (Django's clearsessions), in batches, with progress on stderr.")
        {
            BatchSizeOption, DryRunOption,
        };
        clear.SetAction((parse, ct) => GuardAsync(console, parse, (store, token) => ClearExpiredAsync(store, parse, console, token), ct));

        var stats = new Command("stats", "Count the sessions (live and expired) and show the sizes of the live ones (total, min, median, p90, p99, max).")
        {
            JsonOption,
        };
        stats.SetAction((parse, ct) => GuardAsync(console, parse, (store, token) => StatsAsync(store, parse, console, token), ct));

        var revoke = new Command("revoke-user", "Delete every session bound to a user (log out everywhere).")
        {
            UserKeyArgument, YesOption,
        };
        revoke.SetAction((parse, ct) => GuardAsync(console, parse, (store, token) => RevokeUserAsync(store, parse, console, token), ct));

        var sessions = new Command("sessions", "List a user's signed-in devices (handle, created, last seen, expires, client, sessions); nothing is changed.")
        {
            UserKeyArgument, JsonOption,
        };
        sessions.SetAction((parse, ct) => GuardAsync(console, parse, (store, token) => SessionsAsync(store, parse, console, token), ct));

        var check = new Command("check", "Check the effective cookie and session settings of --config (+ appsettings.{Environment}.json, + environment variables) for the TS1xxx weaknesses (Django's check --deploy); exit code 1 on a warning.")
        {
            EnvironmentOption,
        };
        check.SetAction(parse => Guard(console, () => DeployCheckCommand.Run(
            parse.GetValue(ConfigOption)?.FullName, parse.GetValue(SectionOption) ?? TypedSessionOptions.SectionName, parse.GetValue(EnvironmentOption), parse.GetValue(QuietOption), console)));

        root.Subcommands.Add(clear);
        root.Subcommands.Add(stats);
        root.Subcommands.Add(revoke);
        root.Subcommands.Add(sessions);
        root.Subcommands.Add(check);
        return root;
    }

    // Runs a command that needs no store, mapping a CliException to its exit code with one line on stderr.
    private static int Guard(CliConsole console, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (CliException ex)
        {
            console.Error.WriteLine("typedsessions: " + ex.Message);
            return ex.ExitCode;
        }
    }

    // Opens the store, runs the command, and maps failures to exit codes with one line on stderr.
    private async Task<int> GuardAsync(
        CliConsole console, ParseResult parse, Func<OpenedStore, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        OpenedStore? store = null;
        try
        {
            store = StoreFactory.Open(new StoreArguments(
                parse.GetValue(StoreOption),
                parse.GetValue(ConnectionOption),
                parse.GetValue(ConfigOption)?.FullName,
                parse.GetValue(SectionOption) ?? TypedSessionOptions.SectionName,
                parse.GetValue(TableOption),
                parse.GetValue(KeyPrefixOption),
                parse.CommandResult.Command.Options.Contains(BatchSizeOption) ? parse.GetValue(BatchSizeOption) : null));
            return await command(store, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await console.Error.WriteLineAsync("typedsessions: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("typedsessions: cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            var where = store is null ? "the store" : "the " + store.Display + " store";
            await console.Error.WriteLineAsync($"typedsessions: {where} is unreachable or failed: {ex.GetBaseException().Message}").ConfigureAwait(false);
            return ExitCodes.StoreFailed;
        }
        finally
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<int> ClearExpiredAsync(OpenedStore store, ParseResult parse, CliConsole console, CancellationToken cancellationToken)
    {
        var quiet = parse.GetValue(QuietOption);
        if (parse.GetValue(DryRunOption))
        {
            var statistics = await StatisticsOf(store, "clear-expired --dry-run", cancellationToken).ConfigureAwait(false);
            if (!quiet)
            {
                await console.Out.WriteLineAsync(Invariant($"{statistics.Expired:N0} expired sessions would be deleted from {store.Display} ({statistics.Live:N0} live sessions stay).")).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        var progress = new CleanupProgressReporter(console.Error, console.ErrorIsTerminal);
        var clock = Stopwatch.StartNew();
        long deleted;
        try
        {
            deleted = await store.Sessions.DeleteExpiredAsync(quiet ? null : progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Complete();
            await console.Error.WriteLineAsync(Invariant($"typedsessions: cancelled after deleting {progress.Last.Deleted:N0} expired sessions; they stay deleted.")).ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }

        progress.Complete();
        if (!quiet)
        {
            await console.Out.WriteLineAsync(Invariant($"Deleted {deleted:N0} expired sessions from {store.Display} in {clock.Elapsed.TotalSeconds:0.0} s.")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private async Task<int> StatsAsync(OpenedStore store, ParseResult parse, CliConsole console, CancellationToken cancellationToken)
    {
        var statistics = await StatisticsOf(store, "stats", cancellationToken).ConfigureAwait(false);
        if (parse.GetValue(JsonOption))
        {
            await console.Out.WriteLineAsync(ToJson(store, statistics)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        if (parse.GetValue(QuietOption))
        {
            return ExitCodes.Ok;
        }

        var s = statistics.Sizes;
        await console.Out.WriteLineAsync(Invariant($"""
            Store:     {store.Display}
            Sessions:  {statistics.Total:N0} ({statistics.Live:N0} live, {statistics.Expired:N0} expired)
            Size of live sessions, bytes:
              total    {s.TotalBytes:N0}
              min      {s.Min:N0}
              median   {s.Median:N0}
              p90      {s.P90:N0}
              p99      {s.P99:N0}
              max      {s.Max:N0}
            """)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private async Task<int> RevokeUserAsync(OpenedStore store, ParseResult parse, CliConsole console, CancellationToken cancellationToken)
    {
        var userKey = parse.GetValue(UserKeyArgument)!;
        if (store.Store is not ISessionUserIndex)
        {
            throw new CliException(ExitCodes.Configuration, $"The {store.Name} store keeps no user index, so it cannot revoke a user's sessions.");
        }

        if (!parse.GetValue(YesOption))
        {
            if (!console.InputIsInteractive)
            {
                throw new CliException(ExitCodes.Usage, "revoke-user deletes sessions; pass --yes to confirm when stdin is not a terminal.");
            }

            await console.Error.WriteAsync($"Delete every session of user '{userKey}' in {store.Display}? [y/N] ").ConfigureAwait(false);
            var answer = await console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(answer?.Trim(), "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer?.Trim(), "yes", StringComparison.OrdinalIgnoreCase))
            {
                await console.Error.WriteLineAsync("Nothing deleted.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }

        var deleted = await store.Sessions.RevokeUserAsync(userKey, cancellationToken).ConfigureAwait(false);
        if (!parse.GetValue(QuietOption))
        {
            await console.Out.WriteLineAsync(Invariant($"Revoked {deleted:N0} sessions of user '{userKey}' in {store.Display}.")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private async Task<int> SessionsAsync(OpenedStore store, ParseResult parse, CliConsole console, CancellationToken cancellationToken)
    {
        var userKey = parse.GetValue(UserKeyArgument)!;
        if (store.Store is not ISessionUserListing)
        {
            throw new CliException(ExitCodes.Configuration, $"The {store.Name} store cannot list a user's sessions.");
        }

        var devices = await store.Sessions.ListUserSessionsAsync(userKey, cancellationToken).ConfigureAwait(false);
        if (parse.GetValue(JsonOption))
        {
            var buffer = new System.IO.MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartArray();
                foreach (var d in devices)
                {
                    json.WriteStartObject();
                    json.WriteString("handle", d.Handle);
                    json.WriteString("createdAt", d.CreatedAt);
                    json.WriteString("expiresAt", d.ExpiresAt);
                    if (d.LastSeen is { } seen)
                    {
                        json.WriteString("lastSeen", seen);
                    }
                    else
                    {
                        json.WriteNull("lastSeen");
                    }

                    json.WriteString("userAgent", d.UserAgent);
                    json.WriteString("ipNetwork", d.IpNetwork);
                    json.WriteBoolean("authenticationTicket", d.HasAuthenticationTicket);
                    json.WriteNumber("sessions", d.SessionCount);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            await console.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        if (parse.GetValue(QuietOption))
        {
            return ExitCodes.Ok;
        }

        await console.Out.WriteLineAsync(Invariant($"{devices.Count:N0} signed-in devices of user '{userKey}' in {store.Display}.")).ConfigureAwait(false);
        foreach (var d in devices)
        {
            await console.Out.WriteLineAsync(Invariant(
                $"{d.Handle}  created {d.CreatedAt:u}  last seen {(d.LastSeen is { } s ? s.ToString("u", CultureInfo.InvariantCulture) : "-")}  expires {d.ExpiresAt:u}  {(d.HasAuthenticationTicket ? "auth ticket  " : string.Empty)}{d.SessionCount} session(s)  {d.IpNetwork ?? "-"}  {d.UserAgent ?? "-"}")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static async Task<SessionStoreStatistics> StatisticsOf(OpenedStore store, string command, CancellationToken cancellationToken)
    {
        try
        {
            return await store.Sessions.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException ex)
        {
            throw new CliException(ExitCodes.Configuration, $"The {store.Name} store cannot report statistics, which {command} needs.", ex);
        }
    }

    private static string ToJson(OpenedStore store, SessionStoreStatistics statistics)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("store", store.Name);
            json.WriteNumber("total", statistics.Total);
            json.WriteNumber("live", statistics.Live);
            json.WriteNumber("expired", statistics.Expired);
            json.WriteStartObject("sizeBytes");
            json.WriteNumber("total", statistics.Sizes.TotalBytes);
            json.WriteNumber("min", statistics.Sizes.Min);
            json.WriteNumber("median", statistics.Sizes.Median);
            json.WriteNumber("p90", statistics.Sizes.P90);
            json.WriteNumber("p99", statistics.Sizes.P99);
            json.WriteNumber("max", statistics.Sizes.Max);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
