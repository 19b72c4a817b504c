using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using TypedSessions.AspNetCore.Transports;
using TypedSessions.Diagnostics;

namespace TypedSessions.AspNetCore;

/// <summary>
/// Attaches a <see cref="Session"/> to each request through the transport chosen at startup, loads it (eagerly or on
/// demand), holds the response until the session is committed, commits it after the endpoint and maps failures
/// (store down 503, race 409, size 413). The transport writes the session's response headers as the response starts.
/// </summary>
internal sealed class TypedSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly SessionTransport _transport;
    private readonly ILogger _logger;
    private readonly SessionMetrics _metrics;

    public TypedSessionMiddleware(RequestDelegate next, SessionTransport transport, ILogger<TypedSessionMiddleware> logger, SessionMetrics metrics)
    {
        _next = next;
        _transport = transport;
        _logger = logger;
        _metrics = metrics;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var options = _transport.Environment.Options;
        if (context.GetEndpoint()?.Metadata.GetMetadata<IDisableSessionMetadata>() is not null)
        {
            context.Features.Set<ITypedSessionFeature>(new TypedSessionFeature(_transport.OpenDisabled()));
            await _next(context).ConfigureAwait(false);
            return;
        }

        var session = _transport.Open(context);
        context.Features.Set<ITypedSessionFeature>(new TypedSessionFeature(session));

        // HttpContext.Session (ISession) over the same session, for code written for Microsoft.AspNetCore.Session.
        context.Features.Set<ISessionFeature>(new SessionFeatureBridge(session));
        context.Response.OnStarting(static state =>
        {
            var (transport, c, s) = ((SessionTransport, HttpContext, Session))state;
            return transport.OnResponseStartingAsync(c, s);
        }, (_transport, context, session));

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
                // Nothing is saved from a failed request, and no cookie of it is sent (with the encrypted cookie: not its
                // changes), even when an exception handler later starts an error response.
                session.Abandon();
                throw;
            }

            if (options.ActiveSessions.RecordClientInfo && session.IsWritable && !session.IsAbandoned)
            {
                ActiveSessions.SessionClientInfo.Record(session, context, options.ActiveSessions, _transport.Environment.Now);
            }

            try
            {
                await session.CommitAsync().ConfigureAwait(false);
                await body.FinishAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SessionUnavailableException || IsRace(ex) || ex is SessionTooLargeException || IsChangeAfterSave(ex, context, session))
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

    // A value changed in place after the session was saved as the response started: the response cannot become an error.
    private static bool IsChangeAfterSave(Exception ex, HttpContext context, Session session)
        => ex is InvalidOperationException && context.Response.HasStarted && session.IsCommitted;

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
        var retryAfter = (int)Math.Ceiling(_transport.Environment.Options.RetryAfter.TotalSeconds);
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
