using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using TypedSessions.Ids;

namespace TypedSessions.Authentication;

/// <summary>
/// The auth cookie's format with the TypedSessions ticket store: the cookie carries only the key the store handed out — a
/// 256-bit random session id (43 characters), stored hashed (its SHA-256 store key) — instead of a data-protected ticket.
/// Anything else in the cookie reads as no ticket (anonymous); a key the store does not hold reads as no ticket too.
/// </summary>
internal sealed class SessionIdTicketFormat : ISecureDataFormat<AuthenticationTicket>
{
    // The claim cookie authentication puts the ticket store's key in (CookieAuthenticationHandler.SessionIdClaim).
    internal const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    private const string AuthenticationType = "TypedSessions.TicketStore";

    public string Protect(AuthenticationTicket data) => Protect(data, purpose: null);

    public string Protect(AuthenticationTicket data, string? purpose)
    {
        ArgumentNullException.ThrowIfNull(data);
        var key = data.Principal.FindFirst(SessionIdClaim)?.Value;
        if (key is null || !SessionId.TryParse(key, out _))
        {
            throw new InvalidOperationException(
                "This cookie scheme's tickets live in the TypedSessions ticket store, so its cookie carries only the store's key, " +
                "but the ticket to write holds no such key. Use UseTypedSessionsTicketStore() only as a whole (it sets SessionStore and TicketDataFormat).");
        }

        return key;
    }

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, purpose: null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || !SessionId.TryParse(protectedText, out _))
        {
            return null;
        }

        var identity = new ClaimsIdentity([new Claim(SessionIdClaim, protectedText)], AuthenticationType);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), AuthenticationType);
    }
}
