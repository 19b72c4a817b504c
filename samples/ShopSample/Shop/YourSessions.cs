using TypedSessions;

namespace ShopSample.Shop;

/// <summary>One signed-in device of the user, as "Your sessions" shows it.</summary>
/// <param name="Handle">The device's non-secret handle (16 hex characters), to end it by.</param>
/// <param name="Device">The user agent in short ("Firefox on Windows").</param>
/// <param name="UserAgent">The full <c>User-Agent</c> (at most 200 characters), or <see langword="null"/>.</param>
/// <param name="IpNetwork">The client IP cut to its network (<c>203.0.113.0/24</c>), or <see langword="null"/>.</param>
/// <param name="CreatedAt">When the device signed in.</param>
/// <param name="LastSeen">When a request of it was last recorded, or <see langword="null"/>.</param>
/// <param name="ExpiresAt">When its session ends if left alone.</param>
/// <param name="ThisDevice">Whether it is the device asking.</param>
internal sealed record DeviceView(
    string Handle,
    string Device,
    string? UserAgent,
    string? IpNetwork,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSeen,
    DateTimeOffset ExpiresAt,
    bool ThisDevice);

/// <summary>
/// "Your sessions" for the page (<c>/sessions</c>) and the API (<c>/api/sessions</c>): the signed-in user's devices,
/// ending one, ending all others. Signed in means an auth ticket that agrees with the session
/// (<see cref="SessionTicketCheck"/>), so the user key is the session's.
/// </summary>
internal sealed class YourSessions(ShopSession shop, IServiceProvider services)
{
    // Resolved on use: on the encrypted-cookie store there is no ISessionManager (callers check StoreInfo.CanListSessions first).
    private ISessionManager Sessions => services.GetRequiredService<ISessionManager>();

    /// <summary>The signed-in user's key, or <see langword="null"/> when this request is not signed in.</summary>
    public static string? UserKeyOf(HttpContext http) => ShopSignIn.SignedInUserKey(http);

    /// <summary>The user's devices, this one first, then the most recently seen.</summary>
    public async Task<IReadOnlyList<DeviceView>> ListAsync(string userKey, CancellationToken cancellationToken)
    {
        var thisDevice = Sessions.HandleOf(shop.Core);
        var devices = await Sessions.ListUserSessionsAsync(userKey, cancellationToken);
        return devices
            .Select(d => new DeviceView(d.Handle, DeviceName.Describe(d.UserAgent), d.UserAgent, d.IpNetwork, d.CreatedAt, d.LastSeen, d.ExpiresAt, d.Handle == thisDevice))
            .OrderByDescending(d => d.ThisDevice)
            .ToList();
    }

    /// <summary>Whether <paramref name="handle"/> is the asking device's.</summary>
    public bool IsThisDevice(string handle) => Sessions.HandleOf(shop.Core) == handle;

    /// <summary>Ends the user's device with this handle (its session and auth ticket); another user's handle ends nothing.</summary>
    /// <returns>How many stored sessions ended (0: no device of this user has that handle).</returns>
    public async Task<long> EndAsync(string userKey, string handle, CancellationToken cancellationToken)
        => await Sessions.EndUserSessionAsync(userKey, handle, cancellationToken);

    /// <summary>Ends every device of the user but this one.</summary>
    /// <returns>How many stored sessions ended.</returns>
    public async Task<long> EndOthersAsync(CancellationToken cancellationToken)
        => await Sessions.EndOtherUserSessionsAsync(shop.Core, cancellationToken);
}
