using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Storage;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// The parity suite on TypedSessions' <c>HttpContext.Session</c> bridge: <c>AddTypedSessions().AddMemoryStore();
/// UseTypedSessions()</c> with its defaults (only the cleanup service is off).
/// </summary>
public sealed class TypedSessionsParityTests : SessionParitySuite
{
    private protected override void AddSessions(WebApplicationBuilder builder)
    {
        builder.Services.AddTypedSessions(o => o.CleanupInterval = TimeSpan.Zero).AddMemoryStore();
        builder.Services.AddSingleton<SwitchableSessionStore>();
        builder.Services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<SwitchableSessionStore>());
        builder.Services.AddSingleton<IParityStore>(sp => sp.GetRequiredService<SwitchableSessionStore>());
    }

    private protected override void UseSessions(WebApplication app) => app.UseTypedSessions();

    // __Host- prefix, Secure always; the cookie ends with the absolute timeout (8 hours).
    protected override ExpectedCookie ExpectedCookie { get; } = new("__Host-session", Secure: true, MaxAge: TimeSpan.FromHours(8));

    // Vary: Cookie on every response that used the session.
    protected override ExpectedCacheHeaders ExpectedCacheHeadersWithCookie { get; } = new("no-store", Pragma: null, Vary: "Cookie");

    // The store key: none until the session has an id.
    protected override bool ExpectedIdIsEmptyBeforeFirstWrite => true;

    // SHA-256 of the cookie's id, in hex.
    protected override int ExpectedIdLength => 64;

    // Per-key merge.
    protected override int ExpectedKeysAfterConcurrentWriters => 3;

    // StoreFailurePolicy.ServiceUnavailable (the default): 503, Retry-After 5 s, nothing written.
    protected override ExpectedWhileStoreIsDown ExpectedWhileStoreIsDown { get; } = new(
        Read: Unavailable,
        IsAvailable: Unavailable,
        Write: Unavailable);

    // An id the store does not hold is never adopted: the first write gets a new one.
    protected override bool ExpectedNewCookieWhenStoredSessionIsGone => true;

    // Nothing is saved from a request whose endpoint threw.
    protected override bool ExpectedWritesOfAFailedRequestAreKept => false;

    // Starting the response saves the request's changes; with none, the session is saved at the end as usual.
    protected override string ExpectedLateWriteOnUnchangedSession => "accepted";

    // Once saved as the response started, the session refuses further writes.
    protected override string ExpectedLateWriteOnChangedSession => "refused";

    // MaxSessionSize (256 KiB): SessionTooLargeException from Set, unhandled here.
    protected override HttpStatusCode ExpectedStatusFor300KiBSession => HttpStatusCode.InternalServerError;

    // SessionKeyRules: 1 to 256 characters, no control characters, not only white space.
    protected override string ExpectedUnusualKeys => "empty: refused, 300 chars: refused, control char: refused";

    private static ExpectedResponse Unavailable { get; } = new(HttpStatusCode.ServiceUnavailable, "The session store is unavailable. Please retry shortly.", RetryAfter: "5");
}
