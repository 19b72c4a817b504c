using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MigratedSample.Pages;

/// <summary>
/// <c>/Preferences</c>, a Razor Page on <c>HttpContext.Session</c>: the favourite colour is stored with <c>SetString</c>,
/// and the confirmation is a <see cref="TempDataAttribute"/> property that the layout shows once after the redirect.
/// Razor Pages checks the antiforgery token of every POST.
/// </summary>
internal sealed class PreferencesModel : PageModel
{
    /// <summary>The colours on offer.</summary>
    public static readonly IReadOnlyList<string> Colours = ["red", "green", "blue"];

    /// <summary>The one-time message (TempData key <c>Flash</c>, the same key the MVC controllers use).</summary>
    [TempData(Key = TempDataKeys.Flash)]
    public string? Flash { get; set; }

    /// <summary>The stored colour, or <see langword="null"/>.</summary>
    public string? Colour { get; private set; }

    /// <summary>Shows the stored colour.</summary>
    public void OnGet() => Colour = HttpContext.Session.GetString(SessionKeys.Colour);

    /// <summary>Stores the colour and redirects back with a flash message.</summary>
    /// <param name="colour">One of <see cref="Colours"/>.</param>
    /// <returns>A redirect to this page, or 400 for another colour.</returns>
    public IActionResult OnPost(string? colour)
    {
        if (colour is null || !Colours.Contains(colour))
        {
            return BadRequest();
        }

        HttpContext.Session.SetString(SessionKeys.Colour, colour);
        Flash = $"Your favourite colour is now {colour}.";
        return RedirectToPage();
    }
}
