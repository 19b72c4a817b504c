using MessagePack;

namespace TypedSessions.Tests.SessionApi;

/// <summary>The per-request typed value cache: cached instances, values mutated in place (saved as single-key changes), and reads as the wrong type.</summary>
public sealed class SessionValueCacheTests : SessionApiTestBase
{
    [Fact]
    public async Task A_second_typed_read_returns_the_cached_instance()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1, 2 }));
        var session = await _h.LoadedAsync(id);

        var first = session.Get<List<int>>("cart");
        var second = session.Get<List<int>>("cart");

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.True(session.TryGet<List<int>>("cart", out var third));
        Assert.Same(first, third);
    }

    [Fact]
    public void A_read_after_a_set_returns_the_instance_that_was_set()
    {
        var session = _h.NewSession();
        var cart = new List<int> { 1 };

        session.Set("cart", cart);

        Assert.Same(cart, session.Get<List<int>>("cart"));
    }

    [Fact]
    public async Task A_mutated_list_read_via_Get_is_saved_on_commit()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1, 2 }));
        var session = await _h.LoadedAsync(id);

        Cart(session).Add(3);
        Assert.False(session.IsModified);
        await session.CommitAsync();

        Assert.True(session.IsModified);
        Assert.Equal(1, _h.Store.Saves);
        var stored = MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(id))!.Values["cart"]);
        Assert.Equal([1, 2, 3], stored);
    }

    [Fact]
    public async Task A_mutated_value_is_saved_as_a_single_key_change()
    {
        var id = await _h.SeedAsync(s =>
        {
            s.Set("cart", new List<int> { 1 });
            s.Set("other", 1);
        });
        var session = await _h.LoadedAsync(id);
        var concurrent = await _h.LoadedAsync(id);
        concurrent.Set("other", 2);
        await concurrent.CommitAsync();

        Cart(session).Add(2);
        await session.CommitAsync();

        var record = await _h.StoredAsync(id);
        Assert.Equal(2, MessagePackSerializer.Deserialize<int>(record!.Values["other"]));
        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>(record.Values["cart"]));
    }

    [Fact]
    public async Task A_mutated_object_set_in_this_request_is_saved_as_mutated()
    {
        var session = _h.NewSession();
        var cart = new List<int> { 1 };
        session.Set("cart", cart);

        cart.Add(2);
        await session.CommitAsync();

        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(session.Id!))!.Values["cart"]));
    }

    [Fact]
    public async Task An_unmutated_list_read_via_Get_is_not_written()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1, 2 }));
        var session = await _h.LoadedAsync(id);

        _ = Cart(session).Count;
        await session.CommitAsync();

        Assert.False(session.IsModified);
        Assert.Equal(0, _h.Store.Saves);
    }

    [Fact]
    public async Task A_mutation_seen_through_GetBytes_is_still_saved_on_commit()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await _h.LoadedAsync(id);

        Cart(session).Add(2);
        var bytes = session.GetBytes("cart")!.Value.ToArray();
        await session.CommitAsync();

        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>(bytes));
        Assert.True(session.IsModified);
        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(id))!.Values["cart"]));
    }

    [Fact]
    public async Task A_mutation_is_not_lost_when_the_value_is_then_read_as_another_type()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await _h.LoadedAsync(id);

        Cart(session).Add(2);
        Assert.Equal([1, 2], session.Get<int[]>("cart")!);
        await session.CommitAsync();

        Assert.Equal([1, 2], MessagePackSerializer.Deserialize<List<int>>((await _h.StoredAsync(id))!.Values["cart"]));
    }

    [Fact]
    public async Task Size_follows_a_value_mutated_in_place()
    {
        var id = await _h.SeedAsync(s => s.Set("cart", new List<int> { 1 }));
        var session = await _h.LoadedAsync(id);
        var sizeBefore = session.Size;

        Cart(session).AddRange([2, 3, 4]);
        await session.CommitAsync();

        Assert.Equal(sizeBefore + 3, session.Size);
        Assert.Equal(1, _h.Store.Saves);
    }

    [Fact]
    public async Task Reading_a_value_as_an_incompatible_type_throws_SessionValueException()
    {
        var id = await _h.SeedAsync(s => s.Set("name", "ada"));
        var session = await _h.LoadedAsync(id);

        var ex = Assert.Throws<SessionValueException>(() => session.Get<int>("name"));

        Assert.Equal("name", ex.Key);
        Assert.Equal(typeof(int), ex.ValueType);
        Assert.Contains("'name'", ex.Message, StringComparison.Ordinal);
        Assert.IsType<MessagePackSerializationException>(ex.InnerException);
        Assert.Throws<SessionValueException>(() => session.TryGet<List<int>>("name", out _));
        Assert.Equal("ada", session.Get<string>("name"));
        Assert.False(session.IsModified);
        await session.CommitAsync();
        Assert.Equal(0, _h.Store.Saves);
    }

    [Fact]
    public void Reading_raw_bytes_that_are_not_messagepack_throws_SessionValueException()
    {
        var session = _h.NewSession();
        session.SetBytes("bad", [0xc1]);

        Assert.Throws<SessionValueException>(() => session.Get<int>("bad"));
    }
}
