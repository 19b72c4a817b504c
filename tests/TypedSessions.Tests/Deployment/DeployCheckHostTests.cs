using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Deployment;

/// <summary>
/// The startup deploy check through a real host (WebApplication on TestServer), with the settings coming from
/// environment variables (a unique prefix per test) and from <c>appsettings.Production.json</c> in a temp content root.
/// </summary>
public sealed class DeployCheckHostTests : IDisposable
{
    private const int FindingEventId = 40;

    private readonly string _prefix = "TSDC_" + Guid.NewGuid().ToString("N")[..12] + "_";
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("ts-deploycheck-").FullName;
    private readonly List<string> _variables = [];

    // A clean app: every cookie Secure always, HttpOnly, short lifetimes.
    private static readonly Dictionary<string, string> Clean = new()
    {
        ["Auth__Cookies__Cookie__SecurePolicy"] = "Always",
        ["Auth__Cookies__ExpireTimeSpan"] = "00:20:00",
        ["Antiforgery__Cookie__SecurePolicy"] = "Always",
    };

    public void Dispose()
    {
        foreach (var name in _variables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Directory.Delete(_contentRoot, recursive: true);
    }

    [Fact]
    public async Task Weak_session_cookie_from_an_environment_variable_logs_a_warning_with_the_rule_id()
    {
        var logs = await StartAsync("Production", With(("TypedSessions__Cookie__SecurePolicy", "None"), ("TypedSessions__Cookie__HttpOnly", "false")));

        var warnings = Warnings(logs);
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, t => t.StartsWith("TS1001: TypedSessions:Cookie:SecurePolicy = None", StringComparison.Ordinal) && t.Contains("docs/diagnostics/TS1001.md", StringComparison.Ordinal));
        Assert.Contains(warnings, t => t.StartsWith("TS1003: TypedSessions:Cookie:HttpOnly = False", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Weak_session_timeout_from_appsettings_Production_json_logs_a_warning()
    {
        await File.WriteAllTextAsync(Path.Combine(_contentRoot, "appsettings.Production.json"), """{ "TypedSessions": { "IdleTimeout": "04:00:00" } }""");

        var logs = await StartAsync("Production", Clean);

        var warning = Assert.Single(Warnings(logs));
        Assert.StartsWith("TS1006: TypedSessions:IdleTimeout = 04:00:00", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookie_authentication_scheme_with_HttpOnly_off_logs_a_warning()
    {
        var logs = await StartAsync("Production", With(("Auth__Cookies__Cookie__HttpOnly", "false")));

        var warning = Assert.Single(Warnings(logs));
        Assert.StartsWith("TS1003: CookieAuthenticationOptions[Cookies].Cookie.HttpOnly = False", warning, StringComparison.Ordinal);
        Assert.Contains("docs/diagnostics/TS1003.md", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Antiforgery_SecurePolicy_None_logs_a_warning()
    {
        var logs = await StartAsync("Production", With(("Antiforgery__Cookie__SecurePolicy", "None")));

        var warning = Assert.Single(Warnings(logs));
        Assert.StartsWith("TS1001: AntiforgeryOptions.Cookie.SecurePolicy = None", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookie_policy_forcing_Secure_mitigates_a_weak_cookie()
    {
        var logs = await StartAsync("Production", With(("Antiforgery__Cookie__SecurePolicy", "None"), ("CookiePolicy__Secure", "Always")));

        Assert.Empty(Warnings(logs));
    }

    [Fact]
    public async Task Clean_settings_log_no_warning()
    {
        var logs = await StartAsync("Production", Clean);

        Assert.Empty(Warnings(logs));
        Assert.Contains(logs.Entries, e => e.Id.Name == "DeployCheckClean");
    }

    [Fact]
    public async Task Development_is_not_checked()
    {
        var logs = await StartAsync("Development", With(("TypedSessions__Cookie__SecurePolicy", "None"), ("Auth__Cookies__Cookie__HttpOnly", "false")));

        Assert.DoesNotContain(logs.Entries, e => e.Id.Id is >= 40 and <= 49);
    }

    [Fact]
    public async Task Fail_throws_at_startup_naming_the_findings()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            "Production", With(("TypedSessions__DeployCheck", "Fail"), ("TypedSessions__Cookie__SecurePolicy", "None"), ("Auth__Cookies__Cookie__HttpOnly", "false"))));

        Assert.Contains("TS1001: TypedSessions:Cookie:SecurePolicy = None", error.Message, StringComparison.Ordinal);
        Assert.Contains("TS1003: CookieAuthenticationOptions[Cookies].Cookie.HttpOnly = False", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameAsRequest_from_an_environment_variable_is_a_warning_that_fails_startup_under_Fail()
    {
        // TS1002 follows the severity rule (docs/diagnostics/README.md): outside Development a request over HTTP, or a
        // proxy ending TLS without forwarded headers, gets the cookie without Secure; so it is a Warning, as in the analyzer.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(
            "Production", With(("TypedSessions__DeployCheck", "Fail"), ("Auth__Cookies__Cookie__SecurePolicy", "SameAsRequest"))));

        Assert.Contains("TS1002: CookieAuthenticationOptions[Cookies].Cookie.SecurePolicy = SameAsRequest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_with_clean_settings_starts()
    {
        var logs = await StartAsync("Production", With([.. Clean.Select(p => (p.Key, p.Value)), ("TypedSessions__DeployCheck", "Fail")]));

        Assert.Empty(Warnings(logs));
    }

    [Fact]
    public async Task Off_checks_nothing()
    {
        var logs = await StartAsync("Production", With(("TypedSessions__DeployCheck", "Off"), ("TypedSessions__Cookie__SecurePolicy", "None")));

        Assert.DoesNotContain(logs.Entries, e => e.Id.Id is >= 40 and <= 49);
    }

    private static List<string> Warnings(CapturingLoggerProvider logs)
        => [.. logs.Entries.Where(e => e.Id.Id == FindingEventId && e.Level == LogLevel.Warning).Select(e => e.Text)];

    // The clean settings, overridden by the given ones.
    private static Dictionary<string, string> With(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string>(Clean);
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    private async Task<CapturingLoggerProvider> StartAsync(string environment, Dictionary<string, string> variables)
    {
        foreach (var (key, value) in variables)
        {
            Environment.SetEnvironmentVariable(_prefix + key, value);
            _variables.Add(_prefix + key);
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = _contentRoot });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddEnvironmentVariables(_prefix);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero).AddMemoryStore();
        builder.Services.AddAuthentication().AddCookie("Cookies");
        builder.Services.Configure<CookieAuthenticationOptions>("Cookies", builder.Configuration.GetSection("Auth:Cookies"));
        builder.Services.AddAntiforgery();
        builder.Services.Configure<AntiforgeryOptions>(builder.Configuration.GetSection("Antiforgery"));
        builder.Services.Configure<CookiePolicyOptions>(builder.Configuration.GetSection("CookiePolicy"));
        await using var app = builder.Build();
        await app.StartAsync();
        await app.StopAsync();
        return logs;
    }
}
