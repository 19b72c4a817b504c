using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace TypedSessions;

/// <summary>
/// An endpoint filter that refuses state-changing requests a browser sends on behalf of another site
/// (cross-site request forgery against a cookie-authenticated JSON API, login CSRF included).
/// </summary>
/// <remarks>
/// <para>
/// Safe methods (<c>GET</c>, <c>HEAD</c>, <c>OPTIONS</c>, <c>TRACE</c>) always pass. For every other method:
/// </para>
/// <list type="number">
/// <item>When the request carries <c>Sec-Fetch-Site</c> (sent by current browsers), only <c>same-origin</c> and
/// <c>none</c> (typed into the address bar, a bookmark) pass; <c>same-site</c> (a sibling subdomain),
/// <c>cross-site</c> and any other value are refused.</item>
/// <item>Otherwise, when the request carries <c>Origin</c>, it must be exactly the request's own
/// <c>scheme://host[:port]</c> (<see cref="HttpRequest.Scheme"/> and <see cref="HttpRequest.Host"/>; a default port
/// may be written or left out). <c>Origin: null</c>, a malformed origin and another scheme, host or port are refused.</item>
/// <item>A request with neither header passes: it does not come from a browser that could be tricked into
/// sending it (curl, scripts, server-to-server calls), so forging it gains an attacker nothing.</item>
/// </list>
/// <para>
/// This is not a token-based CSRF defence. Together with <c>SameSite=Lax</c> session cookies (the default) it
/// protects JSON APIs; HTML forms (Razor Pages, MVC) should keep ASP.NET Core's antiforgery tokens. Behind a
/// reverse proxy the app must restore the public scheme and host (forwarded headers middleware) before this
/// filter runs, or same-origin requests that carry only <c>Origin</c> are refused.
/// </para>
/// <para>
/// Endpoint filters run for minimal-API route handlers (<c>MapPost</c>, <c>MapGroup</c>, ...), after parameter
/// binding and before the handler: a refused request changes no session and sets no cookie. Razor Pages and MVC
/// forms are protected by antiforgery tokens instead.
/// </para>
/// </remarks>
public sealed class SameOriginFilter : IEndpointFilter
{
    private static readonly System.Buffers.SearchValues<char> NotInAuthority = System.Buffers.SearchValues.Create("/?#@\\ \t\r\n");

    private readonly Func<HttpContext, string, IResult> _refuse;

    /// <summary>A filter that answers a refused request with 403 and <c>{"error": "..."}</c> (<c>application/json</c>).</summary>
    public SameOriginFilter()
        : this(static (_, reason) => new ErrorResult(StatusCodes.Status403Forbidden, reason))
    {
    }

    /// <summary>A filter that answers a refused request with the result <paramref name="refuse"/> returns.</summary>
    /// <param name="refuse">Given the request and a human-readable reason, returns the answer (for example a 403 problem).</param>
    public SameOriginFilter(Func<HttpContext, string, IResult> refuse)
    {
        ArgumentNullException.ThrowIfNull(refuse);
        _refuse = refuse;
    }

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return IsRefused(context.HttpContext.Request, out var reason)
            ? ValueTask.FromResult<object?>(_refuse(context.HttpContext, reason))
            : next(context);
    }

    /// <summary>Applies the filter's rule (see <see cref="SameOriginFilter"/>) to a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="reason">Why the request is refused, for a human; never contains a header value.</param>
    /// <returns><see langword="true"/> when the request must be refused.</returns>
    public static bool IsRefused(HttpRequest request, [NotNullWhen(true)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        reason = null;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return false;
        }

        var headers = request.Headers;
        var fetchSite = headers["Sec-Fetch-Site"];
        if (fetchSite.Count > 0)
        {
            if (fetchSite.Count == 1 && fetchSite[0] is "same-origin" or "none")
            {
                return false;
            }

            reason = "Cross-site request refused: the browser reports that another site sent it (Sec-Fetch-Site).";
            return true;
        }

        var origin = headers.Origin;
        if (origin.Count == 0)
        {
            return false;
        }

        if (origin.Count == 1 && IsOwnOrigin(origin[0], request))
        {
            return false;
        }

        reason = "Cross-site request refused: the Origin header is not this site's origin.";
        return true;
    }

    // Origin is a serialized origin (RFC 6454): scheme "://" host [":" port] and nothing else, or "null".
    private static bool IsOwnOrigin(string? origin, HttpRequest request)
    {
        if (origin is null || !request.Host.HasValue)
        {
            return false;
        }

        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !IsHostAndPort(origin.AsSpan(separator + 3))
            || !Uri.TryCreate(origin, UriKind.Absolute, out var claimed)
            || !Uri.TryCreate(request.Scheme + "://" + request.Host.Value, UriKind.Absolute, out var own))
        {
            return false;
        }

        // Uri lower-cases the host and fills in a default port, so https://shop.example:443 is https://shop.example.
        return claimed.Scheme.Equals(own.Scheme, StringComparison.OrdinalIgnoreCase)
            && claimed.IdnHost.Equals(own.IdnHost, StringComparison.OrdinalIgnoreCase)
            && claimed.Port == own.Port
            && claimed.Port >= 0;
    }

    // host [":" digits], where host is a name, an IPv4 address or a bracketed IPv6 address; no path, query or user info.
    private static bool IsHostAndPort(ReadOnlySpan<char> authority)
    {
        if (authority.IsEmpty || authority.ContainsAny(NotInAuthority))
        {
            return false;
        }

        var hostEnd = authority[0] == '['
            ? authority.IndexOf(']') + 1
            : authority.IndexOf(':') is var colon and >= 0 ? colon : authority.Length;
        if (hostEnd <= 0)
        {
            return false;
        }

        var port = authority[hostEnd..];
        if (port.IsEmpty)
        {
            return true;
        }

        return port.Length is >= 2 and <= 6 && port[0] == ':' && !port[1..].ContainsAnyExceptInRange('0', '9');
    }

    /// <summary><c>{"error": message}</c> as <c>application/json</c> with a status code, written without reflection.</summary>
    private sealed class ErrorResult(int statusCode, string message) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => statusCode;

        public string ContentType => "application/json; charset=utf-8";

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.ContentType = ContentType;
            response.Headers.CacheControl = "no-store";
            await using var writer = new Utf8JsonWriter(response.Body);
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}

/// <summary>Endpoint convention extensions for <see cref="SameOriginFilter"/>.</summary>
public static class SameOriginEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Refuses state-changing cross-site browser requests to these endpoints with 403 <c>{"error": "..."}</c>
    /// (<see cref="SameOriginFilter"/> describes the rule). On a <c>MapGroup</c> it covers every route handler of the group.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireSameOrigin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(new SameOriginFilter());
    }

    /// <summary>
    /// Refuses state-changing cross-site browser requests to these endpoints with the result <paramref name="refuse"/>
    /// returns (<see cref="SameOriginFilter"/> describes the rule).
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The endpoint or group builder.</param>
    /// <param name="refuse">Given the request and a human-readable reason, returns the answer.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireSameOrigin<TBuilder>(this TBuilder builder, Func<HttpContext, string, IResult> refuse)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(new SameOriginFilter(refuse));
    }
}
