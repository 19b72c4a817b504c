// Shape: a local `new CookieOptions()` whose `Secure` is set to false by a later statement
static class Cookies
{
    public static void Write(HttpResponse response, string value)
    {
        var options = new CookieOptions();
        options.HttpOnly = true;
        options.Secure = false;
        response.Cookies.Append("theme", value, options);
    }
}
