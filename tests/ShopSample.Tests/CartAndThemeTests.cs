using System.Net;
using System.Text.Json;

namespace ShopSample.Tests;

public sealed class CartAndThemeTests
{
    private static void AssertCart(JsonElement cart, params (string Sku, int Qty)[] expected)
    {
        Assert.Equal(JsonValueKind.Array, cart.ValueKind);
        Assert.Equal(expected.Length, cart.GetArrayLength());
        for (var i = 0; i < expected.Length; i++)
        {
            var line = cart[i];
            Assert.Equal(["qty", "sku"], line.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(expected[i].Sku, line.GetProperty("sku").GetString());
            Assert.Equal(expected[i].Qty, line.GetProperty("qty").GetInt32());
        }
    }

    [Fact]
    public async Task Adding_answers_the_cart_and_the_session_keeps_it()
    {
        using var app = new ShopApp();
        using (var first = await app.PostAsync("/api/cart", """{"sku":"tea","qty":2}"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.NotNull(first.SessionCookie());
            AssertCart(await first.JsonAsync(), ("tea", 2));
        }

        using var second = await app.PostAsync("/api/cart", """{"sku":"cake","qty":1}""");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        second.AssertNoSetCookie();
        AssertCart(await second.JsonAsync(), ("tea", 2), ("cake", 1));
        AssertCart((await app.SessionAsync()).GetProperty("cart"), ("tea", 2), ("cake", 1));
    }

    [Fact]
    public async Task Adding_an_existing_sku_adds_to_its_quantity_capped_at_99()
    {
        using var app = new ShopApp();
        using (var first = await app.PostAsync("/api/cart", """{"sku":"tea","qty":40}"""))
        using (var other = await app.PostAsync("/api/cart", """{"sku":"cake","qty":1}"""))
        using (var second = await app.PostAsync("/api/cart", """{"sku":"tea","qty":50}"""))
        {
            AssertCart(await second.JsonAsync(), ("tea", 90), ("cake", 1));
        }

        using var third = await app.PostAsync("/api/cart", """{"sku":"tea","qty":50}""");

        AssertCart(await third.JsonAsync(), ("tea", 99), ("cake", 1));
    }

    [Fact]
    public async Task Skus_are_case_sensitive_and_may_be_32_characters()
    {
        using var app = new ShopApp();
        var longest = new string('x', 32);
        using (var lower = await app.PostAsync("/api/cart", """{"sku":"tea","qty":1}"""))
        using (var upper = await app.PostAsync("/api/cart", """{"sku":"TEA","qty":99}"""))
        {
            Assert.Equal(HttpStatusCode.OK, upper.StatusCode);
        }

        using var response = await app.PostAsync("/api/cart", Http.Json(new { sku = longest, qty = 1 }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCart(await response.JsonAsync(), ("tea", 1), ("TEA", 99), (longest, 1));
    }

    [Theory]
    [InlineData("""{"sku":"","qty":1}""")]
    [InlineData("""{"sku":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","qty":1}""")]
    [InlineData("""{"qty":1}""")]
    [InlineData("""{"sku":null,"qty":1}""")]
    [InlineData("""{"sku":7,"qty":1}""")]
    [InlineData("""{"sku":"tea","qty":0}""")]
    [InlineData("""{"sku":"tea","qty":100}""")]
    [InlineData("""{"sku":"tea","qty":-1}""")]
    [InlineData("""{"sku":"tea","qty":1.5}""")]
    [InlineData("""{"sku":"tea","qty":1e1}""")]
    [InlineData("""{"sku":"tea","qty":"2"}""")]
    [InlineData("""{"sku":"tea","qty":null}""")]
    [InlineData("""{"sku":"tea","qty":99999999999}""")]
    [InlineData("""{"sku":"tea"}""")]
    [InlineData("""{"sku":"tea","qty":1""")]
    [InlineData("""[{"sku":"tea","qty":1}]""")]
    [InlineData("")]
    public async Task Invalid_cart_lines_are_400_and_change_nothing(string? body)
    {
        using var app = new ShopApp();
        var cookie = await app.StartSessionAsync();

        using var response = await app.PostAsync("/api/cart", body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
        Assert.Equal(cookie, app.CookieValue);
        AssertCart((await app.SessionAsync()).GetProperty("cart"), ("tea", 1));
    }

    [Fact]
    public async Task Invalid_cart_line_without_a_session_creates_none()
    {
        using var app = new ShopApp();
        using var response = await app.PostAsync("/api/cart", """{"sku":"tea","qty":0}""");

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task Deleting_the_cart_is_204_and_empties_it_but_keeps_the_rest()
    {
        using var app = new ShopApp();
        await app.LoginAsync();
        await app.StartSessionAsync();

        using var response = await app.DeleteAsync("/api/cart");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var session = await app.SessionAsync();
        Assert.Equal(0, session.GetProperty("cart").GetArrayLength());
        Assert.Equal("alice", session.GetProperty("username").GetString());
    }

    [Fact]
    public async Task Deleting_the_cart_without_a_session_is_204_and_creates_none()
    {
        using var app = new ShopApp();
        using var response = await app.DeleteAsync("/api/cart");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        response.AssertNoSetCookie();
    }

    [Fact]
    public async Task A_write_past_the_session_size_limit_is_413_and_keeps_the_session()
    {
        using var app = new ShopApp(settings: new Dictionary<string, string?> { ["TypedSessions:MaxSessionSize"] = "200" });
        var added = 0;
        HttpStatusCode status;
        do
        {
            using var response = await app.PostAsync("/api/cart", Http.Json(new { sku = $"{added:D32}", qty = 1 }));
            status = response.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                added++;
            }
            else
            {
                await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge);
            }
        }
        while (status == HttpStatusCode.OK && added < 20);

        Assert.InRange(added, 1, 19);
        Assert.Equal(added, (await app.SessionAsync()).GetProperty("cart").GetArrayLength());
    }

    [Theory]
    [InlineData("dark")]
    [InlineData("light")]
    public async Task Theme_is_204_and_shows_in_the_session(string theme)
    {
        using var app = new ShopApp();
        using (var other = await app.PutAsync("/api/theme", Http.Json(new { theme = theme == "dark" ? "light" : "dark" })))
        {
            Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
        }

        using var response = await app.PutAsync("/api/theme", Http.Json(new { theme }));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(theme, (await app.SessionAsync()).GetProperty("theme").GetString());
    }

    [Theory]
    [InlineData("""{"theme":"Dark"}""")]
    [InlineData("""{"theme":"LIGHT"}""")]
    [InlineData("""{"theme":"blue"}""")]
    [InlineData("""{"theme":""}""")]
    [InlineData("""{"theme":1}""")]
    [InlineData("""{"theme":true}""")]
    [InlineData("""{"theme":null}""")]
    [InlineData("""{"theme":["dark"]}""")]
    [InlineData("""{"Theme":"dark"}""")]
    [InlineData("{}")]
    [InlineData("\"dark\"")]
    [InlineData("""{"theme":"dark""")]
    [InlineData("")]
    public async Task Invalid_themes_are_400_and_change_nothing(string? body)
    {
        using var app = new ShopApp();
        using (var dark = await app.PutAsync("/api/theme", """{"theme":"dark"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, dark.StatusCode);
        }

        using var response = await app.PutAsync("/api/theme", body);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        response.AssertNoSetCookie();
        Assert.Equal("dark", (await app.SessionAsync()).GetProperty("theme").GetString());
    }
}
