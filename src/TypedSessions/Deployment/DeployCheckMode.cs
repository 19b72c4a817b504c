namespace TypedSessions.Deployment;

/// <summary>What the startup deploy check does outside the Development environment (<see cref="TypedSessionOptions.DeployCheck"/>).</summary>
public enum DeployCheckMode
{
    /// <summary>Log one warning per finding (default).</summary>
    Warn,

    /// <summary>Log the findings, and fail startup when any has <see cref="SecurityFindingSeverity.Warning"/> severity.</summary>
    Fail,

    /// <summary>Do not check.</summary>
    Off,
}
