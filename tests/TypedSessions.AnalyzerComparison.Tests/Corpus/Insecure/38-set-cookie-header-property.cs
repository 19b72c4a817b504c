// Shape: `Response.Headers.SetCookie = "theme=dark; path=/"` (a `Set-Cookie` header written by hand, no Secure, no HttpOnly)
static class Cookies
{
    public static void Write(HttpResponse response)
        => response.Headers.SetCookie = "theme=dark; path=/";
}
