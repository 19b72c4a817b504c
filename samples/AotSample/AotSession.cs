using MessagePack;
using TypedSessions;

namespace AotSample;

/// <summary>A colour theme.</summary>
public enum Theme
{
    /// <summary>Light.</summary>
    Light,

    /// <summary>Dark.</summary>
    Dark,
}

/// <summary>One cart line.</summary>
[MessagePackObject]
public sealed class Line
{
    /// <summary>The product.</summary>
    [Key(0)]
    public string Sku { get; set; } = "";

    /// <summary>How many.</summary>
    [Key(1)]
    public int Quantity { get; set; }
}

/// <summary>A cart: a [MessagePackObject] type with a list of another one.</summary>
[MessagePackObject]
public sealed class Cart
{
    /// <summary>The lines.</summary>
    [Key(0)]
    public List<Line> Lines { get; set; } = [];

    /// <summary>A coupon code.</summary>
    [Key(1)]
    public string? Coupon { get; set; }
}

/// <summary>The sample's session.</summary>
[SessionSchema]
public partial class AotSession
{
    /// <summary>A name.</summary>
    public partial string? Name { get; set; }

    /// <summary>A counter.</summary>
    public partial int Visits { get; set; }

    /// <summary>The theme.</summary>
    public partial Theme Theme { get; set; }

    /// <summary>Tags.</summary>
    public partial List<string> Tags { get; set; }

    /// <summary>The cart.</summary>
    public partial Cart? Cart { get; set; }
}
