// Shape: `CookieOptions { HttpOnly = false }` given to `Append`
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("token", value, new CookieOptions { Secure = true, HttpOnly = false });
}
