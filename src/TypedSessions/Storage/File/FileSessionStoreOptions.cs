namespace TypedSessions.Storage.File;

/// <summary>Settings of <see cref="FileSessionStore"/>.</summary>
public sealed class FileSessionStoreOptions
{
    /// <summary>
    /// The configuration section <c>AddTypedSessions()</c> binds for the built-in file store (<c>TypedSessions:File</c>);
    /// settings set in code (<c>AddFileStore(configure)</c>) override it. <see cref="Folder"/> falls back to
    /// <c>TypedSessions:Folder</c>.
    /// </summary>
    public const string SectionName = "TypedSessions:File";

    /// <summary>The folder that holds the session files (created when missing). Default <c>TypedSessions:Folder</c>, else <c>{ContentRoot}/App_Data/sessions</c>.</summary>
    public string? Folder { get; set; }

    /// <summary>Decoder caps for session files.</summary>
    public SessionEnvelopeLimits Limits { get; set; } = new();
}
