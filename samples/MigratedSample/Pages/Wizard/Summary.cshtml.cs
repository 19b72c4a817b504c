using Microsoft.AspNetCore.Mvc.RazorPages;
using MigratedSample.Schemas;

namespace MigratedSample.Pages.Wizard;

/// <summary>
/// <c>/Wizard/Summary</c>: the page moved to TypedSessions. It takes the typed <see cref="WizardSession"/> from
/// dependency injection instead of reading <c>HttpContext.Session</c> by key. Mapped only on TypedSessions (Program.cs).
/// </summary>
/// <param name="wizard">The request's wizard schema.</param>
internal sealed class SummaryModel(WizardSession wizard) : PageModel
{
    /// <summary>The wizard's answers so far.</summary>
    public WizardSession Wizard => wizard;
}
