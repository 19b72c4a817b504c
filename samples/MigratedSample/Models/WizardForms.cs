using System.ComponentModel.DataAnnotations;

namespace MigratedSample.Models;

/// <summary>Wizard step 1.</summary>
public sealed class WizardStep1Form
{
    /// <summary>The name on the order.</summary>
    [Required]
    [StringLength(50)]
    public string? Name { get; set; }
}

/// <summary>Wizard step 2.</summary>
public sealed class WizardStep2Form
{
    /// <summary>The name from step 1 (shown, not posted).</summary>
    public string? Name { get; set; }

    /// <summary>The contact e-mail address.</summary>
    [Required]
    [EmailAddress]
    [StringLength(100)]
    public string? Email { get; set; }

    /// <summary>The number of seats.</summary>
    [Range(1, 50)]
    public int Seats { get; set; } = 1;
}

/// <summary>A complete wizard: what the confirmation shows.</summary>
/// <param name="Name">Step 1's name.</param>
/// <param name="Email">Step 2's e-mail address.</param>
/// <param name="Seats">Step 2's seats.</param>
public sealed record WizardOrder(string Name, string Email, int Seats);
