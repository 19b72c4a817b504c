namespace MigratedSample.Models;

/// <summary>What the home page shows.</summary>
/// <param name="Name">The stored name, or <see langword="null"/>.</param>
/// <param name="Visits">This visit's number.</param>
public sealed record HomeViewModel(string? Name, int Visits);
