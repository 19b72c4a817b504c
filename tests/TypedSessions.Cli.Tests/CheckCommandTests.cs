namespace TypedSessions.Cli.Tests;

/// <summary>
/// <c>typedsessions check</c>: the deploy check over a config file, <c>appsettings.{Environment}.json</c> next to it and
/// environment variables. Each test uses its own section name, so its environment variables reach no other test.
/// </summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ts-check-").FullName;
    private readonly string _section = "Check" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _variables = [];

    public void Dispose()
    {
        foreach (var name in _variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Clean_settings_exit_0()
    {
        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "Store": "Sqlite" } }""");

        var run = await Check(config);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("0 warning(s), 0 info; environment Production", run.Out, StringComparison.Ordinal);
        Assert.Contains("settings made only in code", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_weak_setting_in_the_environment_file_prints_a_line_and_exits_1()
    {
        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "Store": "Sqlite" } }""");
        Write("appsettings.Production.json", $$"""{ "{{_section}}": { "Cookie": { "SecurePolicy": "None" } } }""");

        var run = await Check(config, "--environment", "Production");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"warning TS1001: {_section}:Cookie:SecurePolicy = None: ", run.Out, StringComparison.Ordinal);
        Assert.Contains("docs/diagnostics/TS1001.md", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_environments_file_is_not_read()
    {
        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "Store": "Sqlite" } }""");
        Write("appsettings.Staging.json", $$"""{ "{{_section}}": { "Cookie": { "SecurePolicy": "None" } } }""");

        var run = await Check(config, "--environment", "Production");

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Environment_variables_override_the_file()
    {
        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "IdleTimeout": "00:20:00" } }""");
        Set($"{_section}__IdleTimeout", "12:00:00");

        var run = await Check(config);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"warning TS1006: {_section}:IdleTimeout = 12:00:00", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameAsRequest_or_SameSite_Unspecified_from_environment_variables_are_warnings_and_exit_1()
    {
        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "Store": "Sqlite" } }""");
        Set($"{_section}__Cookie__SecurePolicy", "SameAsRequest");
        Set($"{_section}__Cookie__SameSite", "Unspecified");

        var run = await Check(config);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"warning TS1002: {_section}:Cookie:SecurePolicy = SameAsRequest", run.Out, StringComparison.Ordinal);
        Assert.Contains($"warning TS1012: {_section}:Cookie:SameSite = Unspecified", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookie_scheme_antiforgery_and_cookie_policy_sections_are_checked()
    {
        var config = Write("appsettings.json", $$"""
            {
              "{{_section}}": { },
              "Authentication": { "Schemes": {
                "Cookies": { "ExpireTimeSpan": "00:20:00", "Cookie": { "HttpOnly": false, "SecurePolicy": "Always" } },
                "Bearer": { "ValidAudiences": [ "api" ] } } },
              "Antiforgery": { "Cookie": { "SecurePolicy": "None" } },
              "CookiePolicy": { "HttpOnly": "None" }
            }
            """);

        var run = await Check(config);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("warning TS1003: CookieAuthenticationOptions[Cookies].Cookie.HttpOnly = False", run.Out, StringComparison.Ordinal);
        Assert.Contains("warning TS1001: AntiforgeryOptions.Cookie.SecurePolicy = None", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", run.Out, StringComparison.Ordinal);
        Assert.Contains("checked sections: " + _section + ", Authentication:Schemes:Cookies, Antiforgery, CookiePolicy.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_only_findings_exit_0()
    {
        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "Cookie": { "UseHostPrefix": false } } }""");

        var run = await Check(config);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"info TS1009: {_section}:Cookie:UseHostPrefix = False", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_config_is_a_usage_error_and_a_bad_value_a_configuration_error()
    {
        var missing = await Cli.RunAsync("check");
        Assert.True(missing.ExitCode == 1 && missing.Error.Contains("check needs --config", StringComparison.Ordinal), missing.ToString());

        var config = Write("appsettings.json", $$"""{ "{{_section}}": { "Cookie": { "SecurePolicy": "Sometimes" } } }""");
        var bad = await Check(config);
        Assert.True(bad.ExitCode == 2 && bad.Error.Contains("Cannot bind the settings", StringComparison.Ordinal), bad.ToString());
    }

    private Task<CliRun> Check(string config, params string[] more)
        => Cli.RunAsync(["check", "--config", config, "--section", _section, .. more]);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        _variables.Add(name);
    }
}
