using System.Text.Json;

namespace ShopSample.Api;

/// <summary>The body of every 4xx answer: <c>{"error": "..."}</c>.</summary>
/// <param name="Error">What was wrong, for a human.</param>
internal sealed record ApiError(string Error);

/// <summary>
/// Reads request bodies by hand, so that a missing, oversized or malformed body is a 400 with
/// <c>{"error"}</c> rather than minimal-API binding's empty 400, and so each endpoint can be strict about types.
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
    /// <returns>The object, or the 400 to answer.</returns>
    public static async Task<(JsonElement Body, IResult? Error)> ReadObjectAsync(HttpRequest request)
    {
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

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length), DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, BadRequest("The body must be a JSON object."));
        }
        catch (JsonException)
        {
            return (default, BadRequest("The body is not valid JSON."));
        }
    }

    /// <summary>A string property, or <see langword="null"/> when it is absent, null or not a string.</summary>
    public static string? GetString(JsonElement body, string name)
        => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An integer property that fits an <see cref="int"/> (no fraction, no exponent), or <see langword="null"/>.</summary>
    public static int? GetInt32(JsonElement body, string name)
        => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
