// Shape: a `static readonly` `CookieOptions` of another class with `Secure`, `HttpOnly` and `SameSite = Lax`, passed to `Append`
static class CookieDefaults
{
    public static readonly CookieOptions Theme = new() { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax };
}

static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, CookieDefaults.Theme);
}
