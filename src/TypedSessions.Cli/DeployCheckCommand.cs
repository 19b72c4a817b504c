using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using TypedSessions.Deployment;

namespace TypedSessions.Cli;

/// <summary>
/// <c>typedsessions check</c> (Django's <c>check --deploy</c>): the startup deploy check (<see cref="SecurityCheck"/>) over
/// the settings an app would read from its configuration: the config file, <c>appsettings.{Environment}.json</c> next to
/// it, and environment variables. What the app sets only in code is invisible here; the startup check sees it.
/// </summary>
internal static class DeployCheckCommand
{
    /// <summary>The section an app binds to <see cref="AntiforgeryOptions"/> (a convention; ASP.NET Core binds none).</summary>
    public const string AntiforgerySection = "Antiforgery";

    /// <summary>The section an app binds to <see cref="CookiePolicyOptions"/> (a convention).</summary>
    public const string CookiePolicySection = "CookiePolicy";

    /// <summary>The parent of the sections an app binds to each scheme's options (<c>Authentication:Schemes:{name}</c>, as JwtBearer does).</summary>
    public const string SchemesSection = "Authentication:Schemes";

    /// <summary>Runs the check and writes one line per finding; returns <see cref="ExitCodes.CheckFindings"/> when any is a warning.</summary>
    /// <param name="configPath">The app's appsettings.json.</param>
    /// <param name="section">The TypedSessions section.</param>
    /// <param name="environment">The environment name; default <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c>, else Production.</param>
    /// <param name="quiet">Write nothing but errors.</param>
    /// <param name="console">Where to write.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string? configPath, string section, string? environment, bool quiet, CliConsole console)
    {
        if (configPath is null)
        {
            throw new CliException(ExitCodes.Usage, "check needs --config with the app's appsettings.json.");
        }

        var path = Path.GetFullPath(configPath);
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.Configuration, $"Config file '{path}' does not exist.");
        }

        environment ??= Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var folder = Path.GetDirectoryName(path)!;
        var environmentFile = $"appsettings.{environment}.json";
        IConfigurationRoot configuration;
        try
        {
            using var files = new PhysicalFileProvider(folder);
            configuration = new ConfigurationBuilder()
                .AddJsonFile(files, Path.GetFileName(path), optional: false, reloadOnChange: false)
                .AddJsonFile(files, environmentFile, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables()
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Configuration, $"Cannot read config file '{path}' or '{environmentFile}': {ex.GetBaseException().Message}", ex);
        }

        var checkedSources = new List<string> { section };
        IReadOnlyList<SecurityFinding> findings;
        try
        {
            var session = configuration.GetSection(section).Get<TypedSessionOptions>() ?? new TypedSessionOptions();
            var schemes = new List<KeyValuePair<string, CookieAuthenticationOptions>>();
            foreach (var scheme in configuration.GetSection(SchemesSection).GetChildren())
            {
                // A cookie scheme's section sets its cookie or ticket lifetime; other handlers' sections (JwtBearer) do not.
                if (scheme.GetSection("Cookie").Exists() || scheme["ExpireTimeSpan"] is not null || scheme["SlidingExpiration"] is not null)
                {
                    schemes.Add(new(scheme.Key, scheme.Get<CookieAuthenticationOptions>() ?? new CookieAuthenticationOptions()));
                    checkedSources.Add(scheme.Path);
                }
            }

            var antiforgerySection = configuration.GetSection(AntiforgerySection);
            var antiforgery = antiforgerySection.Exists() ? antiforgerySection.Get<AntiforgeryOptions>() : null;
            if (antiforgery is not null)
            {
                checkedSources.Add(AntiforgerySection);
            }

            var policySection = configuration.GetSection(CookiePolicySection);
            var policy = policySection.Exists() ? policySection.Get<CookiePolicyOptions>() : null;
            if (policy is not null)
            {
                checkedSources.Add(CookiePolicySection);
            }

            findings = SecurityCheck.Run(session, schemes, antiforgery, policy, section);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ExitCodes.Configuration, $"Cannot bind the settings: {ex.GetBaseException().Message}", ex);
        }

        var warnings = findings.Count(f => f.Severity == SecurityFindingSeverity.Warning);
        if (!quiet)
        {
            foreach (var finding in findings)
            {
                console.Out.WriteLine((finding.Severity == SecurityFindingSeverity.Warning ? "warning " : "info ") + finding);
            }

            console.Out.WriteLine(
                $"{warnings} warning(s), {findings.Count - warnings} info; environment {environment}; checked sections: {string.Join(", ", checkedSources)}.");
            console.Out.WriteLine(
                "Not visible here: settings made only in code (AddCookie(o => ...), AddAntiforgery(o => ...), UseCookiePolicy(new ...), " +
                "AddTypedSessions(o => ...)), user secrets and Key Vault. The app checks its effective settings at startup outside Development.");
        }

        return warnings > 0 ? ExitCodes.CheckFindings : ExitCodes.Ok;
    }
}
