namespace TypedSessions;

/// <summary>
/// What TypedSessions records about the device of each signed-in session, for a "your sessions" page
/// (<see cref="ISessionManager.ListUserSessionsAsync"/>). Bound from <c>TypedSessions:ActiveSessions</c>.
/// </summary>
/// <remarks>
/// Off by default: nothing is stored unless an app enables it. When on, each session bound to a user holds, under the
/// framework key <c>__client</c>, a random device id (never sent to the client; it links a device's session and its
/// authentication ticket), the <c>User-Agent</c> (cut to <see cref="MaxUserAgentLength"/> characters), the client IP
/// truncated to its network (IPv4 /24, IPv6 /48) and when it was last seen. That is personal data: say so in the
/// app's privacy notice, and keep <see cref="TypedSessionOptions.AbsoluteTimeout"/> short.
/// </remarks>
public sealed class ActiveSessionOptions
{
    /// <summary>Whether signed-in sessions record their device (default <see langword="false"/>).</summary>
    public bool RecordClientInfo { get; set; }

    /// <summary>
    /// How stale "last seen" may get before a request refreshes it (default 5 minutes). A refresh is a save of the
    /// session, so this bounds the extra writes per signed-in session (a read-only request otherwise writes nothing).
    /// </summary>
    public TimeSpan LastSeenInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest <c>User-Agent</c> kept, in characters (default 200).</summary>
    public int MaxUserAgentLength { get; set; } = 200;
}
