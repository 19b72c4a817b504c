// Shape: `CookieOptions { Secure = mode switch { ... => false } }` (a bool chosen by a `switch` expression)
static class Cookies
{
    public static void Write(HttpResponse response, string value, int mode)
        => response.Cookies.Append("theme", value, new CookieOptions
        {
            HttpOnly = true,
            Secure = mode switch { 1 => true, _ => false },
        });
}
