// Shape: `Response.Cookies.Append(key, value, new CookieOptions { Secure = false })`
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, new CookieOptions { Secure = false, HttpOnly = true });
}
