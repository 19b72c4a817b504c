// Shape: `Append` with `Secure`, `HttpOnly`, `SameSite = Lax` and a bounded `MaxAge`
static class Cookies
{
    public static void Write(HttpResponse response, string value)
    {
        response.Cookies.Append("theme", value, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            MaxAge = TimeSpan.FromDays(30),
        });
        var embed = new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.None };
        response.Cookies.Append("embed", value, embed);
        response.Cookies.Delete("old");
    }
}
