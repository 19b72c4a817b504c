using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using TypedSessions.Diagnostics;
using TypedSessions.Ids;

namespace TypedSessions.AspNetCore;

/// <summary>
/// Attaches a <see cref="Session"/> to each request, loads it (eagerly or on demand), commits it after
/// the endpoint and maps store failures to 503.
/// </summary>
internal sealed class TypedSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SessionCoordinator _coordinator;
    private readonly ILogger _logger;
    private readonly SessionMetrics _metrics;

    public TypedSessionMiddleware(RequestDelegate next, SessionCoordinator coordinator, ILogger<TypedSessionMiddleware> logger, SessionMetrics metrics)
    {
        _next = next;
        _coordinator = coordinator;
        _logger = logger;
        _metrics = metrics;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var options = _coordinator.Options;
        if (context.GetEndpoint()?.Metadata.GetMetadata<IDisableSessionMetadata>() is not null)
        {
            context.Features.Set<ITypedSessionFeature>(new TypedSessionFeature(new Session(_coordinator, context, null, disabled: true)));
            await _next(context).ConfigureAwait(false);
            return;
        }

        Session session;
        if (_coordinator.CookieStore is not null)
        {
            // The cookie store: the record is in the request's cookies; decoding it is CPU only, so it happens here in every load mode.
            session = new Session(_coordinator, context, null);
            var (id, result, names) = _coordinator.LoadFromCookies(context.Request);
            session.AdoptClientCookie(id, result, names);
        }
        else
        {
            SessionId? cookieId = null;
            var cookieValue = context.Request.Cookies[options.Cookie.EffectiveName];
            if (cookieValue is not null && !SessionId.TryParse(cookieValue, out cookieId))
            {
                SessionLog.MalformedCookie(_logger);
            }

            session = new Session(_coordinator, context, cookieId);
        }

        context.Features.Set<ITypedSessionFeature>(new TypedSessionFeature(session));
        context.Response.OnStarting(static state =>
        {
            var (s, response) = ((Session, HttpResponse))state;
            s.ApplyHeaders(response);
            return Task.CompletedTask;
        }, (session, context.Response));

        if (session.NeedsLoad && options.LoadMode == SessionLoadMode.Eager)
        {
            await session.LoadOrMarkUnavailableAsync().ConfigureAwait(false);
            if (!session.IsAvailable && options.FailurePolicy == StoreFailurePolicy.ServiceUnavailable)
            {
                await WriteUnavailableAsync(context).ConfigureAwait(false);
                return;
            }
        }

        // The body is held until the session is saved, so no client sees a 200 for an unsaved write.
        var body = new SessionCommittingResponseBody(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>(), session);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            try
            {
                await _next(context).ConfigureAwait(false);
            }
            catch (SessionUnavailableException) when (!context.Response.HasStarted && (body.CommitFailed || options.FailurePolicy == StoreFailurePolicy.ServiceUnavailable))
            {
                await WriteUnavailableAsync(context, body).ConfigureAwait(false);
                return;
            }
            catch
            {
                // Nothing is saved from a failed request; with the cookie store that means no cookie either,
                // even when an exception handler later starts an error response.
                session.Abandon();
                throw;
            }

            try
            {
                await session.CommitAsync().ConfigureAwait(false);
                await body.FinishAsync().ConfigureAwait(false);
            }
            catch (SessionUnavailableException ex)
            {
                if (!context.Response.HasStarted)
                {
                    await WriteUnavailableAsync(context, body).ConfigureAwait(false);
                    return;
                }

                SessionLog.CommitFailedAfterStart(_logger, ex);
                context.Abort();
            }
        }
        finally
        {
            context.Features.Set(body.Inner);
        }
    }

    private async Task WriteUnavailableAsync(HttpContext context, SessionCommittingResponseBody? body = null)
    {
        if (body is not null)
        {
            // Drop whatever the endpoint buffered: the 503 goes straight to the server.
            context.Features.Set(body.Inner);
        }

        var response = context.Response;
        var retryAfter = (int)Math.Ceiling(_coordinator.Options.RetryAfter.TotalSeconds);
        _metrics.Unavailable();
        SessionLog.ServiceUnavailable(_logger, retryAfter);
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync("The session store is unavailable. Please retry shortly.", context.RequestAborted).ConfigureAwait(false);
    }
}
