using MessagePack;
using TypedSessions.Deployment;

namespace TypedSessions;

/// <summary>Settings of TypedSessions, bindable from the configuration section <c>TypedSessions</c>.</summary>
public sealed class TypedSessionOptions
{
    /// <summary>The configuration section bound by <c>AddTypedSessions(IConfiguration)</c>.</summary>
    public const string SectionName = "TypedSessions";

    /// <summary>
    /// The store's name: <c>Memory</c>, <c>File</c>, <c>Sqlite</c>, <c>Cookie</c> (after <c>AddCookieStore()</c>), or one a store package registers.
    /// When empty, the single store added with an <c>Add*Store()</c> call is used.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>Connection string for stores that need one (SQLite: default <c>Data Source={ContentRoot}/App_Data/sessions.db</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the file store (default <c>{ContentRoot}/App_Data/sessions</c>).</summary>
    public string? Folder { get; set; }

    /// <summary>The session cookie.</summary>
    public SessionCookieOptions Cookie { get; set; } = new();

    /// <summary>What signing in and out (<c>HttpContext.SignInAsync</c>/<c>SignOutAsync</c>, any scheme) does to the session.</summary>
    public SessionAuthenticationOptions Authentication { get; set; } = new();

    /// <summary>What signed-in sessions record about their device for a "your sessions" page (off by default).</summary>
    public ActiveSessionOptions ActiveSessions { get; set; } = new();

    /// <summary>Idle (sliding) timeout. Default 20 minutes (OWASP: 15–30 minutes for low-risk apps). <see langword="null"/> disables it.</summary>
    public TimeSpan? IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Absolute timeout counted from creation, whatever the activity. Default 8 hours (OWASP: 4–8 hours). <see langword="null"/> disables it.</summary>
    public TimeSpan? AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Share of the idle window a read must gain before the stored expiry is slid (0 to 1). Default 0.25:
    /// a session read every second is re-touched about once per 5 minutes of a 20-minute window, not every request.
    /// </summary>
    public double SlidingRefreshThreshold { get; set; } = 0.25;

    /// <summary>
    /// Largest session (UTF-8 keys plus encoded values), in bytes. Default 256 KiB; at most
    /// <see cref="MaxSessionSizeLimit"/> (8 MiB), checked at startup.
    /// </summary>
    /// <remarks>
    /// A request that loaded the session is checked against the session as it loaded it plus its own changes, so
    /// concurrent requests that each add keys can together leave a stored session larger than this (each within the
    /// limit on its own). Writes without a load (blind writes) and saves of a session loaded in part are checked by the
    /// store against the stored session.
    /// </remarks>
    public int MaxSessionSize { get; set; } = 256 * 1024;

    /// <summary>
    /// The largest <see cref="MaxSessionSize"/> accepted: 8 MiB, half of the 16 MiB a store loads per session
    /// (<see cref="Storage.SessionEnvelopeLimits.MaxEnvelopeBytes"/>), leaving room for the stored form's framing and for
    /// concurrent requests that each add to a session. With the stores that keep one envelope per session (SQLite, file,
    /// <c>IDistributedCache</c>) a larger session would be written and then refused by every load.
    /// </summary>
    public const int MaxSessionSizeLimit = 8 * 1024 * 1024;

    /// <summary>Whether the middleware loads sessions up front or the app loads them on demand.</summary>
    public SessionLoadMode LoadMode { get; set; } = SessionLoadMode.Eager;

    /// <summary>What a request does when its session cannot be loaded.</summary>
    public StoreFailurePolicy FailurePolicy { get; set; } = StoreFailurePolicy.ServiceUnavailable;

    /// <summary>Longest any single store call may take before it counts as failed. Default 5 seconds.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Conflict detection for read-modify-write (default <see cref="SessionConcurrencyMode.DetectConflicts"/>): see
    /// <see cref="SessionConcurrencyMode"/>. Stores without atomic merge (<c>IDistributedCache</c>) check it without
    /// atomicity; the cookie store has nothing to check against.
    /// </summary>
    public SessionConcurrencyMode Concurrency { get; set; } = SessionConcurrencyMode.DetectConflicts;

    /// <summary>
    /// How long a cycled or flushed session's old key is remembered as a tombstone (default 60 seconds), so that a
    /// request still carrying the old id — a browser's parallel request during login or logout — is answered as
    /// interrupted (409, no cookie) instead of as a new visitor whose fresh cookie would replace the current one.
    /// </summary>
    public TimeSpan TombstoneLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The <c>Retry-After</c> sent with a 503. Default 5 seconds.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the cleanup service deletes expired sessions (stores without native expiry). Default 1 hour; <see cref="TimeSpan.Zero"/> disables it.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// What the startup deploy check of the effective cookie and session settings does outside Development
    /// (docs/deploy-check.md): <see cref="DeployCheckMode.Warn"/> (default) logs one warning per finding,
    /// <see cref="DeployCheckMode.Fail"/> also fails startup, <see cref="DeployCheckMode.Off"/> skips it.
    /// </summary>
    public DeployCheckMode DeployCheck { get; set; } = DeployCheckMode.Warn;

    /// <summary>
    /// MessagePack settings for values. Default: the standard resolver with
    /// <see cref="MessagePackSecurity.UntrustedData"/>. Not bindable from configuration. Replacing it cannot weaken
    /// decoding: options carrying MessagePack's default <see cref="MessagePackSecurity.TrustedData"/> are raised to
    /// <see cref="MessagePackSecurity.UntrustedData"/> (their resolver is kept); any other security must be
    /// hash-collision-resistant with a <see cref="MessagePackSecurity.MaximumObjectGraphDepth"/> of 1 to 500, or startup
    /// fails (docs/wire-format.md).
    /// </summary>
    public MessagePackSerializerOptions SerializerOptions { get; set; } =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
}
