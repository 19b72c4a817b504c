using ShopSample.Shop;

namespace ShopSample.Api;

/// <summary>
/// <c>POST /api/cart</c> <c>{"sku","qty"}</c> adds to the cart and answers the cart; <c>DELETE /api/cart</c> empties it.
/// Adding a sku that is already in the cart adds to that line's quantity, capped (<see cref="ShopCart.Add"/>).
/// </summary>
internal static class CartApi
{
    public const int MaxSkuLength = 32;

    public static RouteGroupBuilder MapCartApi(this RouteGroupBuilder api)
    {
        api.MapPost("/cart", AddAsync);
        api.MapDelete("/cart", (ShopSession shop) =>
        {
            // Removing an absent key changes nothing, so an empty visit still creates no session.
            shop.Core.Remove(ShopSessionKeys.Cart);
            return Results.NoContent();
        });
        return api;
    }

    private static async Task<IResult> AddAsync(HttpRequest request, ShopSession shop)
    {
        var (body, error) = await ApiJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var sku = ApiJson.GetString(body, "sku");
        if (sku is null || sku.Length is 0 or > MaxSkuLength)
        {
            return ApiJson.BadRequest($"\"sku\" must be a string of 1 to {MaxSkuLength} characters.");
        }

        if (ApiJson.GetInt32(body, "qty") is not { } qty || qty is < 1 or > ShopCart.MaxQty)
        {
            return ApiJson.BadRequest($"\"qty\" must be an integer from 1 to {ShopCart.MaxQty}.");
        }

        // The pages and the API share one cart rule; the stored list is replaced as a whole.
        var cart = ShopCart.Add(shop.Cart, sku, qty);
        shop.Cart = cart;
        return Results.Ok(cart);
    }
}
