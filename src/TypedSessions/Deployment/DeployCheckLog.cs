using Microsoft.Extensions.Logging;

namespace TypedSessions.Deployment;

/// <summary>Log messages of the startup deploy check (event ids 40–49).</summary>
internal static partial class DeployCheckLog
{
    [LoggerMessage(40, LogLevel.Warning, "{RuleId}: {Setting} = {Value}: {Message} See {HelpLink}", EventName = "DeployCheckWarning")]
    public static partial void Finding(ILogger logger, string ruleId, string setting, string value, string message, string helpLink);

    [LoggerMessage(41, LogLevel.Information, "{RuleId}: {Setting} = {Value}: {Message} See {HelpLink}", EventName = "DeployCheckInfo")]
    public static partial void Advice(ILogger logger, string ruleId, string setting, string value, string message, string helpLink);

    [LoggerMessage(42, LogLevel.Debug, "Deploy check of the effective cookie and session settings found nothing (environment {Environment}).", EventName = "DeployCheckClean")]
    public static partial void Clean(ILogger logger, string environment);
}
