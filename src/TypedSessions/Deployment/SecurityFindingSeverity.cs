namespace TypedSessions.Deployment;

/// <summary>How serious a <see cref="SecurityFinding"/> is; the analyzer's severity of the same rule.</summary>
public enum SecurityFindingSeverity
{
    /// <summary>A weakness: logged as a warning, fails startup under <see cref="DeployCheckMode.Fail"/>, exit code 1 in <c>typedsessions check</c>.</summary>
    Warning,

    /// <summary>Advice with no insecure path (TS1009): logged as information, never fails.</summary>
    Info,
}
