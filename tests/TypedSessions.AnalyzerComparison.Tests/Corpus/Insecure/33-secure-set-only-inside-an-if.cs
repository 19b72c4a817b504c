// Shape: a `CookieOptions` whose `Secure = true` is set only inside an `if` without `else`, then passed to `Append`
static class Cookies
{
    public static void Write(HttpResponse response, string value, bool useTls)
    {
        var options = new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax };
        if (useTls)
        {
            options.Secure = true;
        }

        response.Cookies.Append("theme", value, options);
    }
}
