using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;

namespace TypedSessions.Authentication;

/// <summary>
/// Cookie authentication's tickets in the session store (<see cref="CookieAuthenticationOptions.SessionStore"/>), through
/// <see cref="ISessionManager"/>: each ticket is a session of its own holding the serialized ticket, bound to the
/// principal's user key (<see cref="SessionAuthenticationOptions.UserKeyOf"/>) so that "log out everywhere"
/// (<see cref="ISessionManager.RevokeUserAsync"/>, <c>typedsessions revoke-user</c>) ends it too, and expiring at the
/// ticket's <c>ExpiresUtc</c> (capped by <see cref="TypedSessionOptions.AbsoluteTimeout"/>). Set up with
/// <see cref="TypedSessionsCookieAuthenticationExtensions.UseTypedSessionsTicketStore"/>.
/// </summary>
/// <remarks>
/// The store is reached through the request's services (cookie authentication passes the <see cref="HttpContext"/>).
/// A store failure is a <see cref="SessionUnavailableException"/>: with <c>UseTypedSessions()</c> before
/// <c>UseAuthentication()</c> the request is answered 503 — never signed in or out by a failure.
/// </remarks>
internal sealed class TypedSessionsTicketStore : ITicketStore
{
    /// <summary>The session key holding the serialized ticket (framework-owned: the <c>__</c> prefix).</summary>
    internal const string TicketKey = "__authTicket";

    public Task<string> StoreAsync(AuthenticationTicket ticket) => throw NoRequest();

    public Task RenewAsync(string key, AuthenticationTicket ticket) => throw NoRequest();

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => throw NoRequest();

    public Task RemoveAsync(string key) => throw NoRequest();

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var manager = Manager(httpContext);
        var session = manager.Create();
        Write(session, ticket, httpContext);
        RecordDevice(session, httpContext, fromRequest: true);
        var saved = await manager.SaveAsync(session, cancellationToken).ConfigureAwait(false);
        return saved.SessionId ?? throw new InvalidOperationException("The ticket's session was not stored.");
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!SessionId.TryParse(key, out _))
        {
            return;
        }

        var manager = Manager(httpContext);
        var session = await manager.OpenAsync(key, cancellationToken).ConfigureAwait(false);
        if (session.IsNew)
        {
            // Revoked or expired meanwhile: renewing must not bring it back (the next read finds no ticket).
            return;
        }

        Write(session, ticket, httpContext);
        RecordDevice(session, httpContext, fromRequest: false);
        await manager.SaveAsync(session, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(key, out _))
        {
            return null;
        }

        var session = await Manager(httpContext).OpenAsync(key, cancellationToken).ConfigureAwait(false);
        if (session.IsNew || session.Get<byte[]>(TicketKey) is not { } bytes)
        {
            return null;
        }

        try
        {
            return TicketSerializer.Default.Deserialize(bytes);
        }
        catch (Exception ex) when (ex is InvalidOperationException or EndOfStreamException or ArgumentException or FormatException or IOException)
        {
            // A stored ticket that does not read back is no ticket (anonymous), and said so.
            SessionLog.AuthTicketUnreadable(Logger(httpContext), ex);
            return null;
        }
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => throw NoRequest();

    public async Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (SessionId.TryParse(key, out var id))
        {
            await Manager(httpContext).DeleteByStoreKeyAsync(id!.StoreKey, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Write(Session session, AuthenticationTicket ticket, HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<TypedSessionOptions>>().Value;
        var time = httpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        session.Set(TicketKey, TicketSerializer.Default.Serialize(ticket));
        session.BindUser(options.Authentication.UserKeyOf(ticket.Principal));
        if (ticket.Properties.ExpiresUtc is { } expires && expires > time.GetUtcNow())
        {
            session.SetExpiry(expires);
        }
    }

    // With client info on (ActiveSessions): the ticket joins the device of the request's session, so "your sessions"
    // shows and ends them as one; a renewal refreshes the ticket's last seen.
    private static void RecordDevice(Session ticketSession, HttpContext httpContext, bool fromRequest)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<TypedSessionOptions>>().Value.ActiveSessions;
        if (!options.RecordClientInfo)
        {
            return;
        }

        var now = (httpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var device = ActiveSessions.SessionClientInfo.Read(ticketSession)?.Device;
        if (device is null && fromRequest && httpContext.Features.Get<ITypedSessionFeature>()?.Session is { IsWritable: true, IsAbandoned: false } requestSession)
        {
            device = ActiveSessions.SessionClientInfo.DeviceOf(requestSession, httpContext, options, now);
        }

        ActiveSessions.SessionClientInfo.RecordDevice(ticketSession, device ?? ActiveSessions.SessionClientInfo.NewDevice(), httpContext, options, now);
    }

    private static ISessionManager Manager(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return httpContext.RequestServices.GetService<ISessionManager>()
            ?? throw new InvalidOperationException("The TypedSessions ticket store needs TypedSessions' services: call builder.Services.AddTypedSessions() with a server-side store.");
    }

    private static ILogger Logger(HttpContext httpContext)
        => httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TypedSessions");

    private static NotSupportedException NoRequest()
        => new("The TypedSessions ticket store is used by cookie authentication, which passes the request; it cannot be called without one.");
}
