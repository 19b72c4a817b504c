using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ShopSample.Shop;
using TypedSessions;

namespace ShopSample.Pages;

/// <summary>
/// <c>/sessions</c>, "Your sessions": the signed-in user's devices (browser, network, signed in, last seen, "this
/// device"), a sign-out button for each other device and one for all of them. Signed-out visitors are sent to
/// <c>/login</c> (and back here after it). Posts carry an antiforgery token (checked by Razor Pages).
/// </summary>
[Authorize]
internal sealed class SessionsModel(YourSessions sessions, StoreInfo store, IOptions<TypedSessionOptions> options) : PageModel
{
    /// <summary>Whether the store can list the user's sessions (not the encrypted cookie, not DistributedCache).</summary>
    public bool Available => store.CanListSessions;

    /// <summary>The store's name.</summary>
    public string StoreName => store.Name;

    /// <summary>Whether devices are recorded (<c>TypedSessions:ActiveSessions:RecordClientInfo</c>).</summary>
    public bool RecordsDevices => options.Value.ActiveSessions.RecordClientInfo;

    /// <summary>How stale "last seen" may get.</summary>
    public TimeSpan LastSeenInterval => options.Value.ActiveSessions.LastSeenInterval;

    /// <summary>The user's devices, this one first.</summary>
    public IReadOnlyList<DeviceView> Devices { get; private set; } = [];

    /// <summary>What the last post did, shown after its redirect (<c>?ended=one|none|others</c>), or <see langword="null"/>.</summary>
    public string? Ended { get; private set; }

    public async Task OnGetAsync(string? ended, CancellationToken cancellationToken)
    {
        Ended = ended switch
        {
            "one" => "That device is signed out.",
            "none" => "That device was signed out already.",
            "others" => "Every other device is signed out.",
            _ => null,
        };
        if (Available && YourSessions.UserKeyOf(HttpContext) is { } userKey)
        {
            Devices = await sessions.ListAsync(userKey, cancellationToken);
        }
    }

    /// <summary>Signs out one other device: its session and its auth ticket end; its next request is logged out.</summary>
    public async Task<IActionResult> OnPostEndAsync(string? handle, CancellationToken cancellationToken)
    {
        if (Available && YourSessions.UserKeyOf(HttpContext) is { } userKey && handle is { Length: > 0 } && !sessions.IsThisDevice(handle))
        {
            return LocalRedirect(await sessions.EndAsync(userKey, handle, cancellationToken) > 0 ? "/sessions?ended=one" : "/sessions?ended=none");
        }

        return LocalRedirect("/sessions");
    }

    /// <summary>Signs out every other device of the user.</summary>
    public async Task<IActionResult> OnPostEndOthersAsync(CancellationToken cancellationToken)
    {
        if (Available && YourSessions.UserKeyOf(HttpContext) is not null)
        {
            await sessions.EndOthersAsync(cancellationToken);
            return LocalRedirect("/sessions?ended=others");
        }

        return LocalRedirect("/sessions");
    }

    public static string Format(DateTimeOffset? instant) => SessionModel.Format(instant);
}
