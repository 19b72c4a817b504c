namespace TypedSessions;

/// <summary>How a session's expiry is decided (Django's <c>set_expiry</c> variants).</summary>
public enum SessionExpiryMode
{
    /// <summary>The configured idle (sliding) timeout and absolute timeout apply.</summary>
    Default = 0,

    /// <summary>A per-session idle window replaces the configured idle timeout; the absolute timeout still caps it.</summary>
    Relative = 1,

    /// <summary>The session ends at a fixed instant (capped by the absolute timeout); no sliding.</summary>
    Absolute = 2,

    /// <summary>The cookie has no <c>Max-Age</c> and ends with the browser; the server still enforces the idle and absolute timeouts.</summary>
    BrowserClose = 3,
}
