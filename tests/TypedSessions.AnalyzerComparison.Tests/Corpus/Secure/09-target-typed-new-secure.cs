// Shape: `Append(key, value, new() { Secure = true, HttpOnly = true, SameSite = Lax })` (target-typed `new()`)
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, new() { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
}
