// Shape: `CookieOptions { SameSite = SameSiteMode.Unspecified }` (no SameSite attribute: browser-dependent cross-site sending)
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("cart", value, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Unspecified });
}
