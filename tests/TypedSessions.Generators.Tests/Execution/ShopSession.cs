using System.ComponentModel;
using MessagePack;

namespace TypedSessions.Generators.Tests.Execution;

public enum Theme
{
    Light,
    Dark,
    HighContrast,
}

[MessagePackObject]
public sealed class CartLine
{
    [Key(0)]
    public string Sku { get; set; } = "";

    [Key(1)]
    public int Quantity { get; set; }
}

[SessionSchema]
public partial class ShopSession
{
    public partial string? Username { get; set; }

    [SessionKey("uid")]
    public partial int? UserId { get; set; }

    public partial List<CartLine> Cart { get; set; }

    [DefaultValue(Theme.Dark)]
    public partial Theme Theme { get; set; }

    public partial int Visits { get; set; }

    public partial string Nickname { get; set; }

    public partial string[] Tags { get; set; }

    public partial Dictionary<string, int> Scores { get; set; }

    public bool IsSignedIn => UserId is not null;
}
