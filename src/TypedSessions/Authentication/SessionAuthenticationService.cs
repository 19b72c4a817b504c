using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace TypedSessions.AspNetCore;

/// <summary>
/// ASP.NET Core's <see cref="IAuthenticationService"/> with the session kept in step: <c>SignInAsync</c> signs the request's
/// session in first (<see cref="Session.SignIn"/>: new id, bound to the user) and <c>SignOutAsync</c> flushes it after the
/// scheme signed out — for every scheme, so no app code has to remember the fixation defence. The session work comes
/// first at sign-in: when it fails (store down, a race with another request) the scheme is not signed in either.
/// </summary>
internal sealed class SessionAuthenticationService(IAuthenticationService inner, IOptions<TypedSessionOptions> options) : IAuthenticationService
{
    public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) => inner.AuthenticateAsync(context, scheme);

    public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ChallengeAsync(context, scheme, properties);

    public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ForbidAsync(context, scheme, properties);

    public async Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties)
    {
        var settings = options.Value.Authentication;
        if (settings.SignInSession && SessionOf(context) is { } session)
        {
            await session.LoadAsync(context.RequestAborted).ConfigureAwait(false);
            if (settings.UserKeyOf(principal) is { } userKey)
            {
                session.SignIn(userKey);
            }
            else
            {
                session.CycleId();
            }
        }

        await inner.SignInAsync(context, scheme, principal, properties).ConfigureAwait(false);
    }

    public async Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties)
    {
        await inner.SignOutAsync(context, scheme, properties).ConfigureAwait(false);
        if (options.Value.Authentication.SignOut == SessionSignOutBehavior.Flush && SessionOf(context) is { } session)
        {
            session.Flush();
        }
    }

    // No session on this request: UseTypedSessions() did not run for it, or the endpoint opted out (WithoutSession()).
    private static Session? SessionOf(HttpContext context)
        => context.Features.Get<ITypedSessionFeature>()?.Session is { IsDisabled: false } session ? session : null;
}
