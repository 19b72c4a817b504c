// Shape: `Response.Cookies.Append(key, value)` without options in an MVC controller action
using Microsoft.AspNetCore.Mvc;

public sealed class ThemeController : Controller
{
    public IActionResult Set(string theme)
    {
        Response.Cookies.Append("theme", theme);
        return Ok();
    }
}
