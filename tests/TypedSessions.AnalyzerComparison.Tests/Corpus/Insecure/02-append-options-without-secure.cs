// Shape: `Append` with a `CookieOptions` that never sets `Secure`
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax });
}
