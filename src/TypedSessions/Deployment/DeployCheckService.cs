using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TypedSessions.Deployment;

/// <summary>
/// Runs <see cref="SecurityCheck"/> over the effective options at startup outside Development (issue 16): the session
/// cookie, every cookie authentication scheme, antiforgery (when registered) and <see cref="CookiePolicyOptions"/>.
/// </summary>
internal sealed class DeployCheckService(IServiceProvider services, IHostEnvironment environment, IOptions<TypedSessionOptions> options, ILogger<DeployCheckService> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mode = options.Value.DeployCheck;
        if (mode == DeployCheckMode.Off || environment.IsDevelopment())
        {
            return;
        }

        var findings = SecurityCheck.Run(
            options.Value,
            await CookieSchemesAsync().ConfigureAwait(false),
            services.GetService<IAntiforgery>() is null ? null : services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value,
            services.GetService<IOptions<CookiePolicyOptions>>()?.Value);
        foreach (var f in findings)
        {
            if (f.Severity == SecurityFindingSeverity.Warning)
            {
                DeployCheckLog.Finding(logger, f.RuleId, f.Setting, f.Value, f.Message, f.HelpLink);
            }
            else
            {
                DeployCheckLog.Advice(logger, f.RuleId, f.Setting, f.Value, f.Message, f.HelpLink);
            }
        }

        if (findings.Count == 0)
        {
            DeployCheckLog.Clean(logger, environment.EnvironmentName);
        }

        var warnings = findings.Where(f => f.Severity == SecurityFindingSeverity.Warning).ToList();
        if (mode == DeployCheckMode.Fail && warnings.Count > 0)
        {
            throw new InvalidOperationException(
                $"TypedSessions' deploy check found {warnings.Count} insecure setting(s) in environment {environment.EnvironmentName} " +
                $"(TypedSessions:DeployCheck = Fail):{Environment.NewLine}" + string.Join(Environment.NewLine, warnings));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<List<KeyValuePair<string, CookieAuthenticationOptions>>> CookieSchemesAsync()
    {
        var schemes = new List<KeyValuePair<string, CookieAuthenticationOptions>>();
        if (services.GetService<IAuthenticationSchemeProvider>() is not { } provider)
        {
            return schemes;
        }

        var monitor = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>();
        foreach (var scheme in await provider.GetAllSchemesAsync().ConfigureAwait(false))
        {
            if (typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType))
            {
                schemes.Add(new(scheme.Name, monitor.Get(scheme.Name)));
            }
        }

        return schemes;
    }
}
