using System.Net;

namespace TypedSessions.Tests.Parity;

/// <summary>The session cookie's attributes where the two sides differ (both: <c>Path=/</c>, <c>HttpOnly</c>, <c>SameSite=Lax</c>, no <c>Domain</c>).</summary>
/// <param name="Name">The cookie's name.</param>
/// <param name="Secure">Whether it carries <c>Secure</c> (the test server is plain http).</param>
/// <param name="MaxAge">Its <c>Max-Age</c> (and then an <c>Expires</c>), or <see langword="null"/> for a browser-session cookie.</param>
public sealed record ExpectedCookie(string Name, bool Secure, TimeSpan? MaxAge);

/// <summary>The caching headers of the response that sets the session cookie.</summary>
/// <param name="CacheControl">The <c>Cache-Control</c> header.</param>
/// <param name="Pragma">The <c>Pragma</c> header, or <see langword="null"/> when absent.</param>
/// <param name="Vary">The <c>Vary</c> header, or <see langword="null"/> when absent.</param>
public sealed record ExpectedCacheHeaders(string CacheControl, string? Pragma, string? Vary);

/// <summary>One response: status, body and <c>Retry-After</c>.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> header, or <see langword="null"/> when absent.</param>
public sealed record ExpectedResponse(HttpStatusCode Status, string Body, string? RetryAfter = null);

/// <summary>What requests on an existing session get while the store is down.</summary>
/// <param name="Read">A <c>GetString</c> of a stored key.</param>
/// <param name="IsAvailable">An endpoint answering <c>Session.IsAvailable</c>.</param>
/// <param name="Write">A <c>SetString</c> of that key.</param>
public sealed record ExpectedWhileStoreIsDown(ExpectedResponse Read, ExpectedResponse IsAvailable, ExpectedResponse Write);
