namespace ShopSample.Shop;

/// <summary>The cart rules the pages share with <c>POST /api/cart</c>.</summary>
internal static class ShopCart
{
    /// <summary>Largest quantity of one line.</summary>
    public const int MaxQty = 99;

    /// <summary>
    /// Adds <paramref name="qty"/> of <paramref name="sku"/>: a sku already in the cart adds to that
    /// line's quantity (capped at <see cref="MaxQty"/>) and keeps its place.
    /// </summary>
    /// <returns>The new cart (a copy; the stored list is replaced as a whole).</returns>
    public static List<CartLine> Add(IReadOnlyList<CartLine> cart, string sku, int qty)
    {
        var lines = new List<CartLine>(cart);
        var index = lines.FindIndex(line => string.Equals(line.Sku, sku, StringComparison.Ordinal));
        if (index >= 0)
        {
            lines[index] = lines[index] with { Qty = Math.Min(MaxQty, lines[index].Qty + qty) };
        }
        else
        {
            lines.Add(new CartLine(sku, Math.Min(MaxQty, qty)));
        }

        return lines;
    }
}
