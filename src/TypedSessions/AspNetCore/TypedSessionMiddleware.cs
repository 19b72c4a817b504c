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
            var name = options.Cookie.EffectiveName;
            var read = SessionCookieReader.Read(context.Request.Headers.Cookie, name);
            if (read.Value is { } cookieValue && !SessionId.TryParse(cookieValue, out cookieId))
            {
                SessionLog.MalformedCookie(_logger);
            }

            session = new Session(_coordinator, context, cookieId);
            if (read.Ambiguous > 0)
            {
                SessionLog.AmbiguousCookie(_logger, read.Ambiguous, name);
                session.RefuseChanges();
            }
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
                session.Abandon();
                await WriteUnavailableAsync(context, body).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!context.Response.HasStarted && (IsRace(ex) || (body.CommitFailed && ex is SessionTooLargeException)))
            {
                session.Abandon();
                await WriteCommitRefusedAsync(context, ex, body).ConfigureAwait(false);
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
            catch (Exception ex) when (ex is SessionUnavailableException || IsRace(ex) || ex is SessionTooLargeException)
            {
                if (!context.Response.HasStarted)
                {
                    if (ex is SessionUnavailableException)
                    {
                        await WriteUnavailableAsync(context, body).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteCommitRefusedAsync(context, ex, body).ConfigureAwait(false);
                    }

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

    // Another request got there first: the session was cycled, flushed, revoked or expired, or a key read and written changed.
    private static bool IsRace(Exception ex) => ex is SessionInterruptedException or SessionConflictException;

    // 409 for a race (a conflict with Retry-After 0: the client may retry at once), 413 for a session
    // found too large at commit. The endpoint's buffered body is dropped and no session cookie is set.
    private static async Task WriteCommitRefusedAsync(HttpContext context, Exception ex, SessionCommittingResponseBody body)
    {
        context.Features.Set(body.Inner);
        var response = context.Response;
        response.Clear();
        if (ex is SessionTooLargeException)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        else
        {
            // A conflict may be retried at once; an interrupted request only with the cookie the browser holds now.
            response.StatusCode = StatusCodes.Status409Conflict;
            if (ex is SessionConflictException)
            {
                response.Headers.RetryAfter = "0";
            }
        }

        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        var message = ex switch
        {
            SessionTooLargeException => "The session would exceed its size limit. Nothing was saved.",
            SessionConflictException => "Another request changed the same session data at the same time. Nothing was saved; retry the request.",
            _ => "The session changed while this request was running (another request signed in, signed out or renewed it). Nothing was saved; retry with the current cookie.",
        };
        await response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
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
