namespace TypedSessions.Generators.Tests.Execution;

/// <summary>App code that takes a schema, unit-tested without a server: <see cref="SessionManager.CreateInMemory"/>.</summary>
public sealed class UnitTestingWithSchemasTests
{
    // App code under test: what a page handler would call.
    private static void AddToCart(ShopSession session, string sku)
    {
        var line = session.Cart.Find(l => l.Sku == sku);
        if (line is null)
        {
            session.Cart.Add(new CartLine { Sku = sku, Quantity = 1 });
        }
        else
        {
            line.Quantity++;
        }

        session.Visits++;
    }

    [Fact]
    public async Task App_code_on_a_schema_runs_on_an_in_memory_session_and_what_it_saved_reads_back_typed()
    {
        var manager = SessionManager.CreateInMemory();
        var session = manager.Create();
        var shop = session.As<ShopSession>();

        AddToCart(shop, "tea");
        AddToCart(shop, "tea");
        AddToCart(shop, "cake");
        var saved = await manager.SaveAsync(session);

        var reopened = (await manager.OpenAsync(saved.SessionId!)).As<ShopSession>();
        Assert.Equal(3, reopened.Visits);
        Assert.Equal([("tea", 2), ("cake", 1)], reopened.Cart.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(Theme.Dark, reopened.Theme);
    }

    [Fact]
    public async Task Two_units_of_work_on_one_session_merge_per_key_as_requests_do()
    {
        var manager = SessionManager.CreateInMemory();
        var first = manager.Create();
        first.As<ShopSession>().Username = "alice";
        var id = (await manager.SaveAsync(first)).SessionId!;

        var a = (await manager.OpenAsync(id)).As<ShopSession>();
        var b = (await manager.OpenAsync(id)).As<ShopSession>();
        a.Nickname = "al";
        b.Tags = ["vip"];
        await manager.SaveAsync(a.AsSession());
        await manager.SaveAsync(b.AsSession());

        var stored = (await manager.OpenAsync(id)).As<ShopSession>();
        Assert.Equal(("alice", "al"), (stored.Username, stored.Nickname));
        Assert.Equal(["vip"], stored.Tags);
    }
}
