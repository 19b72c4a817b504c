using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace ShopSample.Shop;

/// <summary>One line of the cart: stored in the session as MessagePack, returned as JSON <c>{"sku","qty"}</c>.</summary>
/// <param name="Sku">The article's stock-keeping unit (1 to 32 characters).</param>
/// <param name="Qty">How many (1 to 99).</param>
[MessagePackObject]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "MessagePack builds formatters for public types only.")]
public sealed record CartLine([property: Key(0)] string Sku, [property: Key(1)] int Qty);
