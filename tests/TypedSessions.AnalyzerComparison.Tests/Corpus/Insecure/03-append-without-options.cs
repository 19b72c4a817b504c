// Shape: `Response.Cookies.Append(key, value)` with no options (neither Secure nor HttpOnly)
static class Cookies
{
    public static void Write(HttpResponse response, string value) => response.Cookies.Append("theme", value);
}
