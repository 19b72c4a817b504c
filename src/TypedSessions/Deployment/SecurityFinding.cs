namespace TypedSessions.Deployment;

/// <summary>One weakness the deploy check found in an effective setting.</summary>
/// <param name="RuleId">The rule, the same <c>TS1xxx</c> id the analyzer reports for the setting in code.</param>
/// <param name="Severity">The rule's severity: <see cref="SecurityFindingSeverity.Warning"/> or <see cref="SecurityFindingSeverity.Info"/>.</param>
/// <param name="Setting">Where the value lives, e.g. <c>TypedSessions:Cookie:SecurePolicy</c> or <c>CookieAuthenticationOptions[Cookies].Cookie.HttpOnly</c>.</param>
/// <param name="Value">The effective value, as text.</param>
/// <param name="Message">What is weak and what to set instead.</param>
public sealed record SecurityFinding(string RuleId, SecurityFindingSeverity Severity, string Setting, string Value, string Message)
{
    /// <summary>Where the help links of the rules point (the same base the analyzer uses).</summary>
    public const string HelpLinkBase = TypedSessions.Analyzers.DiagnosticIds.HelpLinkBase;

    /// <summary>The rule's documentation page.</summary>
    public string HelpLink => HelpLinkBase + RuleId + ".md";

    /// <summary>One line: id, setting, value, message and help link.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => $"{RuleId}: {Setting} = {Value}: {Message} ({HelpLink})";
}
