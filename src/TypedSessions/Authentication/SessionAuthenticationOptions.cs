using System.Security.Claims;

namespace TypedSessions;

/// <summary>
/// What <c>HttpContext.SignInAsync</c> and <c>SignOutAsync</c> do to the request's session (any authentication scheme).
/// Bound from <c>TypedSessions:Authentication</c>.
/// </summary>
public sealed class SessionAuthenticationOptions
{
    /// <summary>
    /// Whether signing in signs the session in too (default <see langword="true"/>): <see cref="Session.SignIn"/> with the
    /// principal's user key — a new session id (fixation defence), the session bound to the user, and a session bound to
    /// another user flushed first. A principal without any of <see cref="UserKeyClaimTypes"/> still gets a new id.
    /// </summary>
    public bool SignInSession { get; set; } = true;

    private static readonly string[] DefaultUserKeyClaimTypes = [ClaimTypes.NameIdentifier, ClaimTypes.Name];

    /// <summary>
    /// The claim types whose first present value is the user key, in order. When empty or <see langword="null"/> (the
    /// default): <see cref="ClaimTypes.NameIdentifier"/>, then <see cref="ClaimTypes.Name"/>. (A default list is not
    /// pre-filled, so types bound from configuration replace the defaults instead of being appended to them.)
    /// </summary>
    public IList<string>? UserKeyClaimTypes { get; set; }

    /// <summary>What signing out does to the session (default <see cref="SessionSignOutBehavior.Flush"/>).</summary>
    public SessionSignOutBehavior SignOut { get; set; } = SessionSignOutBehavior.Flush;

    /// <summary>The user key of <paramref name="principal"/>: the first value of <see cref="UserKeyClaimTypes"/> it carries.</summary>
    /// <param name="principal">The principal.</param>
    /// <returns>The user key, or <see langword="null"/> when it carries none of the claim types.</returns>
    public string? UserKeyOf(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var type in UserKeyClaimTypes is { Count: > 0 } types ? types : DefaultUserKeyClaimTypes)
        {
            if (principal.FindFirst(type)?.Value is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>What <c>HttpContext.SignOutAsync</c> does to the request's session.</summary>
public enum SessionSignOutBehavior
{
    /// <summary>The session ends (<see cref="Session.Flush"/>): its data is deleted and its id dies (Django's <c>logout()</c>).</summary>
    Flush,

    /// <summary>The session is left as it is.</summary>
    Keep,
}
