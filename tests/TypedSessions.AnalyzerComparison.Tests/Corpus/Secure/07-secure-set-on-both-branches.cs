// Shape: `Secure = true` set on both branches of an `if`/`else` (and a `switch` whose arms are all secure)
static class Cookies
{
    public static void Write(HttpResponse response, string value, bool strict, int mode)
    {
        var options = new CookieOptions { HttpOnly = true };
        if (strict)
        {
            options.Secure = true;
            options.SameSite = SameSiteMode.Strict;
        }
        else
        {
            options.Secure = true;
            options.SameSite = SameSiteMode.Lax;
        }

        response.Cookies.Append("theme", value, options);
        response.Cookies.Append("mode", value, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = mode switch { 1 => SameSiteMode.Strict, _ => SameSiteMode.Lax },
        });
    }
}
