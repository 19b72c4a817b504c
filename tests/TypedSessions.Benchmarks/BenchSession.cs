namespace TypedSessions.Benchmarks;

/// <summary>A generated schema over the typical session's keys, for typed-property benchmarks.</summary>
[SessionSchema]
public sealed partial class BenchSession
{
    /// <summary>The user name.</summary>
    [SessionKey("username")]
    public partial string? Username { get; set; }

    /// <summary>The user id.</summary>
    [SessionKey("uid")]
    public partial int? UserId { get; set; }

    /// <summary>The cart.</summary>
    [SessionKey("cart")]
    public partial List<CartLine> Cart { get; set; }
}
