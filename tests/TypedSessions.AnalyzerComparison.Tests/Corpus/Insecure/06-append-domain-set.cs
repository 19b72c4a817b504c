// Shape: `CookieOptions { Domain = "example.com" }` (sent to every subdomain)
static class Cookies
{
    public static void Write(HttpResponse response, string value)
        => response.Cookies.Append("theme", value, new CookieOptions { Secure = true, HttpOnly = true, Domain = "example.com" });
}
