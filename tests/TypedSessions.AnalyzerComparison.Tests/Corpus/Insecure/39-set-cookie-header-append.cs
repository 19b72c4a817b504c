// Shape: `Response.Headers.Append("Set-Cookie", $"sid={id}; Path=/; HttpOnly")` (interpolated, no Secure)
static class Cookies
{
    public static void Write(HttpResponse response, string id)
        => response.Headers.Append("Set-Cookie", $"sid={id}; Path=/; HttpOnly");
}
