using Microsoft.AspNetCore.Mvc;
using MigratedSample.Models;

namespace MigratedSample.Controllers;

/// <summary>
/// The home page, written as for <c>Microsoft.AspNetCore.Session</c>: a visit counter (<c>GetInt32</c>/<c>SetInt32</c>),
/// a greeting by the name stored with <c>SetString</c>, and forms that answer with a TempData flash message and a redirect.
/// </summary>
public sealed class HomeController : Controller
{
    private const int MaxNameLength = 50;

    /// <summary><c>GET /</c>: counts the visit and greets the visitor.</summary>
    /// <returns>The home page.</returns>
    public IActionResult Index()
    {
        var visits = (HttpContext.Session.GetInt32(SessionKeys.Visits) ?? 0) + 1;
        HttpContext.Session.SetInt32(SessionKeys.Visits, visits);
        return View(new HomeViewModel(HttpContext.Session.GetString(SessionKeys.Name), visits));
    }

    /// <summary><c>POST /Home/SetName</c>: stores the name, then shows the home page with a flash message.</summary>
    /// <param name="name">The visitor's name.</param>
    /// <returns>A redirect to the home page.</returns>
    [HttpPost]
    [ValidateAntiForgeryToken]
    public IActionResult SetName(string? name)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            TempData[TempDataKeys.Flash] = $"Please type a name of 1 to {MaxNameLength} characters.";
            return RedirectToAction(nameof(Index));
        }

        HttpContext.Session.SetString(SessionKeys.Name, name);
        TempData[TempDataKeys.Flash] = $"Nice to meet you, {name}.";
        return RedirectToAction(nameof(Index));
    }

    /// <summary><c>POST /Home/ForgetName</c>: removes the name, then shows the home page with a flash message.</summary>
    /// <returns>A redirect to the home page.</returns>
    [HttpPost]
    [ValidateAntiForgeryToken]
    public IActionResult ForgetName()
    {
        HttpContext.Session.Remove(SessionKeys.Name);
        TempData[TempDataKeys.Flash] = "Your name is forgotten.";
        return RedirectToAction(nameof(Index));
    }
}
