// Shape: `Append(key, value, new() { HttpOnly = true })` (target-typed `new()`, no Secure)
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, new() { HttpOnly = true });
}
