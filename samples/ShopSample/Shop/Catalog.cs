using System.Globalization;

namespace ShopSample.Shop;

/// <summary>An article the pages offer.</summary>
/// <param name="Sku">The stock-keeping unit stored in cart lines.</param>
/// <param name="Name">Display name.</param>
/// <param name="Description">One line about it.</param>
/// <param name="Price">Unit price in euros.</param>
/// <param name="Image">Picture under <c>wwwroot</c>.</param>
internal sealed record Product(string Sku, string Name, string Description, decimal Price, string Image);

/// <summary>
/// The articles the HTML pages sell. The JSON API accepts any sku; a cart line whose sku is not
/// in the catalog is shown without a price.
/// </summary>
internal static class Catalog
{
    public static IReadOnlyList<Product> Products { get; } =
    [
        new("tea", "Breakfast tea", "Strong Assam blend, 250 g loose leaf.", 6.50m, "/img/tea.svg"),
        new("green-tea", "Sencha", "Grassy Japanese green tea, 100 g.", 8.90m, "/img/green-tea.svg"),
        new("earl-grey", "Earl Grey", "Black tea with bergamot, 200 g.", 7.20m, "/img/earl-grey.svg"),
        new("mug", "Stoneware mug", "Hand-glazed, 350 ml.", 12.00m, "/img/mug.svg"),
        new("kettle", "Gooseneck kettle", "Pour-over kettle, 1 l, stainless steel.", 39.00m, "/img/kettle.svg"),
        new("honey", "Wildflower honey", "Raw, from a local beekeeper, 250 g.", 5.40m, "/img/honey.svg"),
    ];

    /// <summary>The product with this sku (case-sensitive, as the cart is), or <see langword="null"/>.</summary>
    public static Product? Find(string? sku) => Products.FirstOrDefault(p => string.Equals(p.Sku, sku, StringComparison.Ordinal));

    /// <summary>An amount as the pages show it: <c>€6.50</c>.</summary>
    public static string Money(decimal amount) => "€" + amount.ToString("0.00", CultureInfo.InvariantCulture);
}
