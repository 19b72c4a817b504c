namespace TypedSessions;

/// <summary>When a request's session is loaded from the store.</summary>
public enum SessionLoadMode
{
    /// <summary>The middleware loads it before the endpoint runs, so views and controllers can read synchronously.</summary>
    Eager = 0,

    /// <summary>
    /// Loaded only when the app asks asynchronously (<c>await HttpContext.LoadSessionAsync()</c>, a session
    /// or schema bound as a minimal-API parameter). A request that never asks does no store I/O at all.
    /// </summary>
    OnDemand = 1,
}
