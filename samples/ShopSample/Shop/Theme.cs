using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace ShopSample.Shop;

/// <summary>The visitor's colour theme: stored as a MessagePack integer, written in JSON as <c>"light"</c> or <c>"dark"</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Theme>))]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "Stored in the session; MessagePack formatters are built for public types.")]
public enum Theme
{
    /// <summary>The default.</summary>
    [JsonStringEnumMemberName("light")]
    Light = 0,

    /// <summary>Dark mode.</summary>
    [JsonStringEnumMemberName("dark")]
    Dark = 1,
}
