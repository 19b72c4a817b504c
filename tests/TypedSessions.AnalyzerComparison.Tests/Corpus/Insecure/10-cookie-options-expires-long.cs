// Shape: `CookieOptions { Expires = now + 1 year }` (a persistent cookie for a year)
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("remember", value, new CookieOptions { Secure = true, HttpOnly = true, Expires = DateTimeOffset.UtcNow.AddYears(1) });
}
