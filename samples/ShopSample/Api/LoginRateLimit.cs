using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using TypedSessions;

namespace ShopSample.Api;

/// <summary>
/// Slows down password guessing: at most <c>Shop:LoginRateLimit:PermitLimit</c> login attempts (default 10) per
/// client IP address in a fixed window of <c>Shop:LoginRateLimit:WindowSeconds</c> (default 60), shared by
/// <c>POST /api/login</c> and the <c>/login</c> form. Beyond it: 429 with <c>Retry-After</c> (seconds), right or
/// wrong password alike, and no session is loaded.
/// </summary>
/// <remarks>
/// Only POSTs count. Requests the same-origin rule refuses (<see cref="SameOriginFilter.IsRefused"/>) do not count
/// either, so another site cannot use its visitors' browsers to lock them out; both endpoints of this policy refuse
/// such requests before looking at a password. Behind a reverse proxy the app must restore the client address
/// (forwarded headers middleware), or every client shares the proxy's budget.
/// </remarks>
internal static class LoginRateLimit
{
    public const string PolicyName = "login";

    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Shop:LoginRateLimit");
        var permitLimit = section.GetValue("PermitLimit", 10);
        var windowSeconds = section.GetValue("WindowSeconds", 60);
        if (permitLimit < 1 || windowSeconds < 1)
        {
            throw new InvalidOperationException("Shop:LoginRateLimit:PermitLimit and :WindowSeconds must be at least 1.");
        }

        var limiterOptions = new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = TimeSpan.FromSeconds(windowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(PolicyName, http =>
                !HttpMethods.IsPost(http.Request.Method) || SameOriginFilter.IsRefused(http.Request, out _)
                    ? RateLimitPartition.GetNoLimiter("uncounted")
                    // TestServer has no remote address: all its clients share one partition.
                    : RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "no-address", _ => limiterOptions));
            options.OnRejected = (context, cancellationToken) => RejectAsync(context, windowSeconds, cancellationToken);
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, int windowSeconds, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : windowSeconds;
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many login attempts. Try again in {seconds} seconds.";
        if (http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await ApiJson.Error(StatusCodes.Status429TooManyRequests, message).ExecuteAsync(http);
        }
        else
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(message, cancellationToken);
        }
    }
}
