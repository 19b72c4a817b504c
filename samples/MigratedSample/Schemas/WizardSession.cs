using TypedSessions;

namespace MigratedSample.Schemas;

/// <summary>
/// The first step of the move to typed sessions: the wizard's keys read through a schema. The wizard itself still
/// writes them with <c>SetString</c>/<c>SetInt32</c> (<see cref="Controllers.WizardController"/>); a typed
/// <see cref="string"/> reads what <c>SetString</c> wrote (UTF-8) and a typed <see cref="int"/> what <c>SetInt32</c>
/// wrote (4 bytes), so <c>/Wizard/Summary</c> sees the same values. Only on TypedSessions: the generator implements the
/// properties over TypedSessions' session, and <c>AddTypedSessions()</c> registers the schema as a scoped service.
/// </summary>
[SessionSchema]
public sealed partial class WizardSession
{
    /// <summary>Step 1's name, or <see langword="null"/>.</summary>
    [SessionKey(SessionKeys.WizardName)]
    public partial string? Name { get; set; }

    /// <summary>Step 2's e-mail address, or <see langword="null"/>.</summary>
    [SessionKey(SessionKeys.WizardEmail)]
    public partial string? Email { get; set; }

    /// <summary>Step 2's seats, or <see langword="null"/>.</summary>
    [SessionKey(SessionKeys.WizardSeats)]
    public partial int? Seats { get; set; }

    /// <summary>Whether every step has been answered.</summary>
    public bool IsComplete => Name is not null && Email is not null && Seats is not null;
}
