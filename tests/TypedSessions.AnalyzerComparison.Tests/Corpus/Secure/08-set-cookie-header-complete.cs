// Shape: `Set-Cookie` headers written by hand with `Secure` and `HttpOnly` (any case)
static class Cookies
{
    public static void Write(HttpResponse response, string id)
    {
        response.Headers.SetCookie = "theme=dark; Path=/; Secure; HttpOnly; SameSite=Lax";
        response.Headers.Append("Set-Cookie", $"sid={id}; path=/; secure; httponly; samesite=strict");
    }
}
