namespace MigratedSample;

/// <summary>The session implementation the app runs on.</summary>
internal enum SessionImplementation
{
    /// <summary>TypedSessions with its SQLite store (the default).</summary>
    TypedSessions,

    /// <summary>ASP.NET Core's built-in <c>Microsoft.AspNetCore.Session</c> over the distributed memory cache.</summary>
    AspNetCore,
}

/// <summary>The registration chosen at startup from <c>Sessions:Implementation</c>; the layout's footer names it.</summary>
/// <param name="Implementation">The session implementation.</param>
internal sealed record SessionRegistration(SessionImplementation Implementation)
{
    /// <summary>The configuration key: <c>TypedSessions</c> (default) or <c>AspNetCore</c>.</summary>
    public const string ConfigurationKey = "Sessions:Implementation";

    /// <summary>Whether the app runs on TypedSessions.</summary>
    public bool IsTypedSessions => Implementation == SessionImplementation.TypedSessions;

    /// <summary>What the footer says.</summary>
    public string Description => IsTypedSessions
        ? "TypedSessions (SQLite store)"
        : "Microsoft.AspNetCore.Session (distributed memory cache)";

    /// <summary>Reads <see cref="ConfigurationKey"/>; a value that names neither implementation stops the app.</summary>
    /// <param name="configuration">The app's configuration.</param>
    /// <returns>The registration.</returns>
    public static SessionRegistration FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(value) || value.Equals(nameof(SessionImplementation.TypedSessions), StringComparison.OrdinalIgnoreCase))
        {
            return new(SessionImplementation.TypedSessions);
        }

        return value.Equals(nameof(SessionImplementation.AspNetCore), StringComparison.OrdinalIgnoreCase)
            ? new(SessionImplementation.AspNetCore)
            : throw new InvalidOperationException($"{ConfigurationKey} is '{value}'; use TypedSessions or AspNetCore.");
    }
}
