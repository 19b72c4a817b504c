using Microsoft.AspNetCore.Mvc;
using MigratedSample.Models;

namespace MigratedSample.Controllers;

/// <summary>
/// A three-page order wizard that keeps each step in the session with <c>SetString</c>/<c>SetInt32</c>:
/// <c>/Wizard/Step1</c> (name), <c>/Wizard/Step2</c> (e-mail, seats), <c>/Wizard/Confirm</c> (all of it, and Finish).
/// A step whose earlier steps are missing sends the visitor back to the first missing one.
/// </summary>
public sealed class WizardController : Controller
{
    /// <summary><c>GET /Wizard</c>: the first step.</summary>
    /// <returns>A redirect to step 1.</returns>
    public IActionResult Index() => RedirectToAction(nameof(Step1));

    /// <summary><c>GET /Wizard/Step1</c>: the name form, filled in from the session.</summary>
    /// <returns>The form.</returns>
    [HttpGet]
    public IActionResult Step1() => View(new WizardStep1Form { Name = HttpContext.Session.GetString(SessionKeys.WizardName) });

    /// <summary><c>POST /Wizard/Step1</c>: stores the name and goes on to step 2.</summary>
    /// <param name="form">The posted form.</param>
    /// <returns>The form with its errors, or a redirect to step 2.</returns>
    [HttpPost]
    [ValidateAntiForgeryToken]
    public IActionResult Step1(WizardStep1Form form)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!ModelState.IsValid)
        {
            return View(form);
        }

        HttpContext.Session.SetString(SessionKeys.WizardName, form.Name!.Trim());
        return RedirectToAction(nameof(Step2));
    }

    /// <summary><c>GET /Wizard/Step2</c>: the e-mail and seats form, filled in from the session.</summary>
    /// <returns>The form, or a redirect to step 1 when it has not been done.</returns>
    [HttpGet]
    public IActionResult Step2()
    {
        if (HttpContext.Session.GetString(SessionKeys.WizardName) is not { } name)
        {
            return RedirectToAction(nameof(Step1));
        }

        return View(new WizardStep2Form
        {
            Name = name,
            Email = HttpContext.Session.GetString(SessionKeys.WizardEmail),
            Seats = HttpContext.Session.GetInt32(SessionKeys.WizardSeats) ?? 1,
        });
    }

    /// <summary><c>POST /Wizard/Step2</c>: stores the e-mail and seats and goes on to the confirmation.</summary>
    /// <param name="form">The posted form.</param>
    /// <returns>The form with its errors, or a redirect to the confirmation (or to step 1 when it has not been done).</returns>
    [HttpPost]
    [ValidateAntiForgeryToken]
    public IActionResult Step2(WizardStep2Form form)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (HttpContext.Session.GetString(SessionKeys.WizardName) is not { } name)
        {
            return RedirectToAction(nameof(Step1));
        }

        if (!ModelState.IsValid)
        {
            form.Name = name;
            return View(form);
        }

        HttpContext.Session.SetString(SessionKeys.WizardEmail, form.Email!.Trim());
        HttpContext.Session.SetInt32(SessionKeys.WizardSeats, form.Seats);
        return RedirectToAction(nameof(Confirm));
    }

    /// <summary><c>GET /Wizard/Confirm</c>: every step's answer and the Finish button.</summary>
    /// <returns>The confirmation, or a redirect to the first step not done.</returns>
    [HttpGet]
    public IActionResult Confirm() => ReadOrder() is { } order ? View(order) : RedirectToFirstMissingStep();

    /// <summary><c>POST /Wizard/Finish</c>: removes the wizard's keys and shows the home page with a flash message.</summary>
    /// <returns>A redirect to the home page (or to the first step not done).</returns>
    [HttpPost]
    [ValidateAntiForgeryToken]
    public IActionResult Finish()
    {
        if (ReadOrder() is not { } order)
        {
            return RedirectToFirstMissingStep();
        }

        HttpContext.Session.Remove(SessionKeys.WizardName);
        HttpContext.Session.Remove(SessionKeys.WizardEmail);
        HttpContext.Session.Remove(SessionKeys.WizardSeats);
        TempData[TempDataKeys.Flash] = $"Done: {order.Seats} seat(s) for {order.Name}, confirmation to {order.Email}.";
        return RedirectToAction(nameof(HomeController.Index), "Home");
    }

    private WizardOrder? ReadOrder()
    {
        var session = HttpContext.Session;
        return session.GetString(SessionKeys.WizardName) is { } name
            && session.GetString(SessionKeys.WizardEmail) is { } email
            && session.GetInt32(SessionKeys.WizardSeats) is { } seats
            ? new WizardOrder(name, email, seats)
            : null;
    }

    private RedirectToActionResult RedirectToFirstMissingStep()
        => RedirectToAction(HttpContext.Session.GetString(SessionKeys.WizardName) is null ? nameof(Step1) : nameof(Step2));
}
