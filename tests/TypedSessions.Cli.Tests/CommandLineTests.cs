namespace TypedSessions.Cli.Tests;

/// <summary>Help, usage errors and configuration errors: no store is touched.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Help_lists_the_commands_and_the_exit_codes()
    {
        var run = await Cli.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var text in new[] { "clear-expired", "stats", "revoke-user <user-key>", "sessions <user-key>", "--store", "--config", "--section", "130 cancelled" })
        {
            Assert.Contains(text, run.Out);
        }
    }

    [Theory]
    [InlineData("clear-expired", "--batch-size")]
    [InlineData("stats", "--json")]
    [InlineData("revoke-user", "--yes")]
    public async Task Each_command_has_help(string command, string option)
    {
        var run = await Cli.RunAsync(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("typedsessions " + command, run.Out);
        Assert.Contains(option, run.Out);
    }

    [Theory]
    [InlineData("Required command was not provided")]
    [InlineData("Unrecognized command or argument 'purge'", "purge")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "stats", "--frobnicate")]
    [InlineData("Argument 'mongo' not recognized", "stats", "--store", "mongo")]
    [InlineData("--batch-size must be at least 1", "clear-expired", "--store", "sqlite", "--batch-size", "0")]
    [InlineData("Required argument missing", "revoke-user", "--store", "sqlite")]
    [InlineData("--key-prefix applies to the redis store", "stats", "--store", "sqlite", "--connection", "Data Source=x.db", "--key-prefix", "p:")]
    public async Task Bad_arguments_exit_with_the_usage_code_and_say_what_is_wrong(string message, params string[] args)
    {
        var run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public async Task No_store_chosen_is_a_configuration_error()
    {
        var run = await Cli.RunAsync("stats");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No store is chosen", run.Error);
    }

    [Fact]
    public async Task A_missing_or_broken_config_file_is_a_configuration_error()
    {
        var missing = await Cli.RunAsync("stats", "--config", "/nonexistent/appsettings.json");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);

        var folder = Directory.CreateTempSubdirectory("ts-cli-config-");
        try
        {
            var broken = Path.Combine(folder.FullName, "appsettings.json");
            await File.WriteAllTextAsync(broken, "{ \"TypedSessions\": { \"Store\": ");
            var run = await Cli.RunAsync("stats", "--config", broken);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("Cannot read config file", run.Error);

            var noSection = Path.Combine(folder.FullName, "other.json");
            await File.WriteAllTextAsync(noSection, "{ \"Logging\": {} }");
            run = await Cli.RunAsync("stats", "--config", noSection);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("has no 'TypedSessions' section", run.Error);

            var memory = Path.Combine(folder.FullName, "memory.json");
            await File.WriteAllTextAsync(memory, "{ \"TypedSessions\": { \"Store\": \"Memory\" } }");
            run = await Cli.RunAsync("stats", "--config", memory);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("inside the app's process", run.Error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_installed_tool_runs_as_a_process_with_help_and_usage_exit_codes()
    {
        var help = await Cli.RunProcessAsync("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("revoke-user", help.Out);

        var usage = await Cli.RunProcessAsync("stats", "--store", "nosuchstore");
        Assert.Equal(1, usage.ExitCode);
        Assert.Contains("nosuchstore", usage.Error);
    }
}
