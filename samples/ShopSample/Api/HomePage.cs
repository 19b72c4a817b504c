using System.Net;
using Microsoft.Extensions.Options;
using ShopSample.Shop;
using TypedSessions;

namespace ShopSample.Api;

/// <summary><c>GET /</c>: a small HTML page that greets the logged-in user and names the session store.</summary>
internal static class HomePage
{
    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (ShopSession shop, IOptions<TypedSessionOptions> options) =>
        {
            var greeting = shop.Username is { } name
                ? $"Welcome, {WebUtility.HtmlEncode(name)}!"
                : "Please log in.";
            var store = WebUtility.HtmlEncode(string.IsNullOrEmpty(options.Value.Store) ? "(default)" : options.Value.Store);
            var theme = shop.Theme == Theme.Dark ? "dark" : "light";
            var cartItems = shop.Cart.Sum(line => line.Qty);
            var html = $$"""
                <!DOCTYPE html>
                <html lang="en" data-theme="{{theme}}">
                <head>
                <meta charset="utf-8">
                <title>TypedSessions ShopSample</title>
                </head>
                <body>
                <h1>TypedSessions ShopSample</h1>
                <p id="greeting">{{greeting}}</p>
                <p>Items in your cart: {{cartItems}}. Theme: {{theme}}.</p>
                <p>Sessions are stored in the <strong>{{store}}</strong> store.</p>
                <p>Try the JSON API: <code>GET /api/session</code>, <code>POST /api/login</code>, <code>POST /api/cart</code>,
                <code>PUT /api/theme</code>, <code>POST /api/counters/{name}</code>, <code>PUT /api/expiry</code>, <code>POST /api/logout</code>.</p>
                </body>
                </html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        });
        return app;
    }
}
