using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ShopSample.Api;

/// <summary>The body of every 4xx answer: <c>{"error": "..."}</c>.</summary>
/// <param name="Error">What was wrong, for a human.</param>
internal sealed record ApiError(string Error);

/// <summary>
/// Reads request bodies by hand, so that a missing, oversized or malformed body is a 400 with
/// <c>{"error"}</c> rather than minimal-API binding's empty 400, and so each endpoint can be strict about types.
/// A body that is not declared <c>application/json</c> is a 415: a cross-site page can send <c>text/plain</c> or a
/// form without a CORS preflight, but not <c>application/json</c>.
/// </summary>
internal static class ApiJson
{
    /// <summary>Largest body accepted; every request of this API is tiny.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 8,
        AllowDuplicateProperties = false,
    };

    public static IResult Error(int statusCode, string message) => Results.Json(new ApiError(message), statusCode: statusCode);

    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    /// <summary>Reads the body as one JSON object.</summary>
    /// <returns>The object, or the 415 or 400 to answer.</returns>
    public static async Task<(JsonElement Body, IResult? Error)> ReadObjectAsync(HttpRequest request)
    {
        if (!IsJson(request.ContentType))
        {
            return (default, Error(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON sent with Content-Type: application/json."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (default, BadRequest($"The body must be at most {MaxBodyBytes} bytes of JSON."));
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            return (default, BadRequest($"The body must be at most {MaxBodyBytes} bytes of JSON."));
        }

        // JsonDocument accepts invalid UTF-8 inside strings and only fails when a string is read, so check first.
        if (!Utf8.IsValid(buffer.AsSpan(0, length)))
        {
            return (default, BadRequest("The body is not valid UTF-8."));
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length), DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, BadRequest("The body must be a JSON object."));
            }

            ReadEveryString(document.RootElement);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, BadRequest("The body is not valid JSON."));
        }
        catch (InvalidOperationException)
        {
            // An escaped unpaired surrogate ("\ud800") is valid JSON but no string: reading it throws.
            return (default, BadRequest("The body contains a string that is not valid Unicode."));
        }
    }

    /// <summary>
    /// Writes <c>{"error"}</c> into a bodiless 4xx/5xx under <c>/api</c> (status code pages): 404 for an unknown
    /// path, 405 for a known path with another method. Other paths keep their empty answer.
    /// </summary>
    public static async Task WriteStatusCodeBodyAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var status = http.Response.StatusCode;
        var message = status switch
        {
            StatusCodes.Status404NotFound => "Not found: the API has no such path.",
            StatusCodes.Status405MethodNotAllowed => "Method not allowed: the Allow header lists the methods of this path.",
            _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase + "." : "Error.",
        };
        await Error(status, message).ExecuteAsync(http);
    }

    // application/json, any letter case, with optional parameters; a charset, if given, must be UTF-8 (RFC 8259).
    private static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && (media.Charset.Length == 0 || HeaderUtilities.RemoveQuotes(media.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    // Decodes every property name and string once (the document is at most 16 KiB and 8 deep), so that no
    // endpoint meets a string that throws when read.
    private static void ReadEveryString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadEveryString(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadEveryString(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    /// <summary>A string property, or <see langword="null"/> when it is absent, null or not a string.</summary>
    public static string? GetString(JsonElement body, string name)
        => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An integer property that fits an <see cref="int"/> (no fraction, no exponent), or <see langword="null"/>.</summary>
    public static int? GetInt32(JsonElement body, string name)
        => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
