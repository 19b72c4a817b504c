namespace MigratedSample;

/// <summary>
/// The keys the app writes through <c>HttpContext.Session</c>, kept in one place as apps on
/// <c>Microsoft.AspNetCore.Session</c> usually do. <see cref="Schemas.WizardSession"/> reads the wizard's keys.
/// </summary>
internal static class SessionKeys
{
    /// <summary>How many times the visitor opened the home page (<c>SetInt32</c>).</summary>
    public const string Visits = "Visits";

    /// <summary>The name the home page greets (<c>SetString</c>).</summary>
    public const string Name = "Name";

    /// <summary>The favourite colour chosen on the preferences page (<c>SetString</c>).</summary>
    public const string Colour = "Colour";

    /// <summary>Wizard step 1: the name on the order (<c>SetString</c>).</summary>
    public const string WizardName = "Wizard.Name";

    /// <summary>Wizard step 2: the contact e-mail address (<c>SetString</c>).</summary>
    public const string WizardEmail = "Wizard.Email";

    /// <summary>Wizard step 2: the number of seats (<c>SetInt32</c>).</summary>
    public const string WizardSeats = "Wizard.Seats";
}

/// <summary>The TempData keys (TempData lives in the session: <c>AddSessionStateTempDataProvider()</c>).</summary>
internal static class TempDataKeys
{
    /// <summary>The one-time message the layout shows after a post-redirect-get.</summary>
    public const string Flash = "Flash";
}
