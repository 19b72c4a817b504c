using System.Collections.Concurrent;
using System.Net;
using Microsoft.Net.Http.Headers;

namespace TypedSessions.Tests.Parity;

/// <summary>
/// An HTTP client over a real socket that keeps cookies by hand, as a browser would for http://127.0.0.1: it stores
/// every <c>Set-Cookie</c> and sends the cookies back whatever their attributes. (TypedSessions' cookie is
/// <c>Secure</c>; browsers send it to http://localhost, a <see cref="CookieContainer"/> does not.) Safe for concurrent requests.
/// </summary>
internal sealed class ParityClient : IDisposable
{
    private readonly HttpClient _client;

    public ParityClient(Uri address)
    {
        // The timeout only guards against a hung test; nothing waits for it.
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The cookies held, by name.</summary>
    public ConcurrentDictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (!Cookies.IsEmpty)
        {
            request.Headers.Add(HeaderNames.Cookie, string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _client.SendAsync(request);
        foreach (var cookie in SetCookies(response))
        {
            var deleted = cookie.MaxAge <= TimeSpan.Zero || cookie.Expires < DateTimeOffset.UtcNow;
            if (deleted)
            {
                Cookies.TryRemove(cookie.Name.Value!, out _);
            }
            else
            {
                Cookies[cookie.Name.Value!] = cookie.Value.Value!;
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path) => SendAsync(HttpMethod.Post, path);

    /// <summary>GETs <paramref name="path"/>, checks for 200 and returns the body.</summary>
    public async Task<string> GetStringAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>POSTs to <paramref name="path"/>, checks for 200 and returns the response (for its headers).</summary>
    public async Task<HttpResponseMessage> PostOkAsync(string path)
    {
        var response = await PostAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    /// <summary>The response's <c>Set-Cookie</c> headers, parsed.</summary>
    public static IReadOnlyList<SetCookieHeaderValue> SetCookies(HttpResponseMessage response)
        => response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            ? values.Select(v => SetCookieHeaderValue.Parse(v)).ToList()
            : [];

    public void Dispose() => _client.Dispose();
}
