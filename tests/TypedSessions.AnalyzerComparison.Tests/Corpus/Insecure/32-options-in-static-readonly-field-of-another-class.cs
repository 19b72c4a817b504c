// Shape: a `CookieOptions` held in a `static readonly` field of another class (target-typed `new()`, no `Secure`) passed to `Append`
static class CookieDefaults
{
    public static readonly CookieOptions Theme = new() { HttpOnly = true, SameSite = SameSiteMode.Lax };
}

static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, CookieDefaults.Theme);
}
