using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSessions.Tests.Integration;

namespace TypedSessions.Tests.Authentication;

/// <summary>Endpoints signing in and out through <c>HttpContext.SignInAsync</c>/<c>SignOutAsync</c>, as apps do.</summary>
internal static class AuthTestEndpoints
{
    public const string HeaderScheme = "Header";

    public static void Map(WebApplication app)
    {
        app.UseAuthentication();
        app.MapPost("/value", (HttpContext c, string value) => c.GetSession().Set("value", value));
        app.MapGet("/value", (HttpContext c) => c.GetSession().Get<string>("value") ?? "(none)");
        app.MapGet("/user-key", (HttpContext c) => c.GetSession().UserKey ?? "(none)");
        app.MapPost("/login", (HttpContext c, string user, string? scheme, int? claims, string? claimType) =>
            c.SignInAsync(scheme ?? CookieAuthenticationDefaults.AuthenticationScheme, Principal(user, claims ?? 0, claimType)));
        app.MapPost("/login-without-session", (HttpContext c, string user) =>
            c.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user, 0, null))).WithoutSession();
        app.MapPost("/logout", (HttpContext c, string? scheme) => c.SignOutAsync(scheme ?? CookieAuthenticationDefaults.AuthenticationScheme));
        app.MapGet("/me", async (HttpContext c) =>
        {
            var result = await c.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return result.Succeeded
                ? $"{result.Principal!.Identity!.Name}:{result.Principal.Claims.Count(claim => claim.Type == "extra")}"
                : "anonymous";
        });
        app.MapPost("/revoke-mine", async (HttpContext c) => await c.GetSession().RevokeUserSessionsAsync());
        app.MapGet("/sessions", async (HttpContext c, ISessionManager manager) =>
        {
            var session = c.GetSession();
            var current = manager.HandleOf(session);
            var devices = await manager.ListUserSessionsAsync(session.UserKey ?? "(nobody)");
            return string.Join("\n", devices.Select(d =>
                $"{d.Handle}|{d.UserAgent}|{d.IpNetwork}|{d.HasAuthenticationTicket}|{d.SessionCount}|{(d.Handle == current ? "current" : "")}|{d.LastSeen?.ToUnixTimeSeconds()}"));
        });
        app.MapPost("/sessions/end", async (HttpContext c, ISessionManager manager, string handle)
            => (await manager.EndUserSessionAsync(c.GetSession().UserKey ?? "(nobody)", handle)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        app.MapPost("/sessions/end-others", async (HttpContext c, ISessionManager manager)
            => (await manager.EndOtherUserSessionsAsync(c.GetSession())).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static ClaimsPrincipal Principal(string user, int extraClaims, string? claimType)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        claims.Add(new Claim(claimType ?? ClaimTypes.NameIdentifier, "id-" + user));
        claims.AddRange(Enumerable.Range(0, extraClaims).Select(i => new Claim("extra", $"claim number {i} of user {user}")));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    /// <summary>The <c>name=value</c> of the response's cookie named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static string? CookieOf(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Where(v => v.StartsWith(name + "=", StringComparison.Ordinal)).Select(v => v.Split(';')[0]).LastOrDefault()
            : null;

    /// <summary>Sends a request with a session cookie and/or an auth cookie.</summary>
    public static async Task<HttpResponseMessage> SendAsync(TestApp app, HttpMethod method, string path, string? sessionCookie, string? authCookie)
    {
        using var client = app.Server.CreateClient();
        using var request = new HttpRequestMessage(method, new Uri("https://localhost" + path));
        var cookies = new[] { sessionCookie is null ? null : SessionClient.CookieName + "=" + sessionCookie, authCookie }.Where(c => c is not null);
        if (cookies.Any())
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        return await client.SendAsync(request);
    }
}

/// <summary>A scheme that is not cookie authentication: signing in and out just answers with a header.</summary>
internal sealed class HeaderSignInHandler : IAuthenticationSignInHandler
{
    private HttpContext _context = null!;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

    public Task ChallengeAsync(AuthenticationProperties? properties) => Task.CompletedTask;

    public Task ForbidAsync(AuthenticationProperties? properties) => Task.CompletedTask;

    public Task SignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        _context.Response.Headers["X-Signed-In"] = user.Identity?.Name;
        return Task.CompletedTask;
    }

    public Task SignOutAsync(AuthenticationProperties? properties)
    {
        _context.Response.Headers["X-Signed-Out"] = "yes";
        return Task.CompletedTask;
    }
}
