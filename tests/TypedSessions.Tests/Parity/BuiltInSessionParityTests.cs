using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// The parity suite on <c>Microsoft.AspNetCore.Session</c>: <c>AddDistributedMemoryCache(); AddSession(); UseSession()</c>
/// with its defaults. The expectations follow its source (<c>src/Middleware/Session/src</c> in dotnet/aspnetcore):
/// <c>SessionMiddleware</c> and <c>DistributedSession</c>.
/// </summary>
public sealed class BuiltInSessionParityTests : SessionParitySuite
{
    private protected override void AddSessions(WebApplicationBuilder builder)
    {
        // Keys in memory: the default key ring would write to the home folder. The cookie is protected the same way.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSingleton<SwitchableDistributedCache>();
        builder.Services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<SwitchableDistributedCache>());
        builder.Services.AddSingleton<IParityStore>(sp => sp.GetRequiredService<SwitchableDistributedCache>());
        builder.Services.AddSession();
    }

    private protected override void UseSessions(WebApplication app) => app.UseSession();

    // SessionOptions.Cookie: SecurePolicy None, and Expiration cannot be set (a browser-session cookie).
    protected override ExpectedCookie ExpectedCookie { get; } = new(".AspNetCore.Session", Secure: false, MaxAge: null);

    // SessionEstablisher.SetCookie; no Vary.
    protected override ExpectedCacheHeaders ExpectedCacheHeadersWithCookie { get; } = new("no-cache,no-store", Pragma: "no-cache", Vary: null);

    // A random GUID made on first access, stored with the session once it is written.
    protected override bool ExpectedIdIsEmptyBeforeFirstWrite => false;

    protected override int ExpectedIdLength => 36;

    // Each commit writes the whole serialized session: the last writer's copy wins.
    protected override int ExpectedKeysAfterConcurrentWriters => 2;

    // A failed load is logged and the session reads as empty, unavailable, and ignores writes; the request goes on.
    protected override ExpectedWhileStoreIsDown ExpectedWhileStoreIsDown { get; } = new(
        Read: new(HttpStatusCode.OK, ParityEndpoints.None),
        IsAvailable: new(HttpStatusCode.OK, "False"),
        Write: new(HttpStatusCode.OK, string.Empty));

    // A cookie that unprotects to a session key is used as is, whether or not the cache holds that key.
    protected override bool ExpectedNewCookieWhenStoredSessionIsGone => false;

    // The middleware commits in a finally block.
    protected override bool ExpectedWritesOfAFailedRequestAreKept => true;

    // An established session is committed after the endpoint, whenever it was changed.
    protected override string ExpectedLateWriteOnUnchangedSession => "accepted";

    protected override string ExpectedLateWriteOnChangedSession => "accepted";

    // No size limit of its own.
    protected override HttpStatusCode ExpectedStatusFor300KiBSession => HttpStatusCode.OK;

    // Any key up to 65,535 UTF-8 bytes.
    protected override string ExpectedUnusualKeys => "empty: accepted, 300 chars: accepted, control char: accepted";
}
