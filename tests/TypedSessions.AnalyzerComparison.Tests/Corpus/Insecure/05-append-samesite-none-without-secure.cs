// Shape: `CookieOptions { SameSite = SameSiteMode.None }` without `Secure`
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("embed", value, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.None });
}
