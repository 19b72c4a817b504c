namespace TypedSessions.Storage.File;

/// <summary>Settings of <see cref="FileSessionStore"/>.</summary>
public sealed class FileSessionStoreOptions
{
    /// <summary>The folder that holds the session files (created when missing). Default <c>TypedSessions:Folder</c>, else <c>{ContentRoot}/App_Data/sessions</c>.</summary>
    public string? Folder { get; set; }

    /// <summary>Decoder caps for session files.</summary>
    public SessionEnvelopeLimits Limits { get; set; } = SessionEnvelopeLimits.Default;
}
