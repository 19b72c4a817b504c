using System.Text;
using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.Http;
using TypedSessions.Storage;

namespace TypedSessions.Benchmarks;

/// <summary>A small cart line, as a typical app stores it.</summary>
[MessagePackObject]
public sealed record CartLine([property: Key(0)] string Sku, [property: Key(1)] int Qty);

/// <summary>The "typical session" of the benchmarks: 10 keys — eight strings, an int and a list of three small records.</summary>
internal static class TypicalSession
{
    public static readonly (string Key, string Value)[] Strings =
    [
        ("username", "alice"), ("displayName", "Alice Liddell"), ("email", "alice@example.com"), ("locale", "en-GB"),
        ("theme", "dark"), ("returnUrl", "/shop/cart?ref=home"), ("csrfHint", "b7f0c2d4e6a81357"), ("lastPage", "/products/42"),
    ];

    public const int UserId = 4242;

    public static readonly List<CartLine> Cart = [new("SKU-001", 1), new("SKU-042", 3), new("SKU-777", 2)];

    public static SessionRecord Record(MessagePackSerializerOptions options)
    {
        var values = Strings.ToDictionary(s => s.Key, s => MessagePackSerializer.Serialize(s.Value, options));
        values["uid"] = MessagePackSerializer.Serialize(UserId, options);
        values["cart"] = MessagePackSerializer.Serialize(Cart, options);
        var now = DateTimeOffset.UtcNow;
        return new SessionRecord(values, now, SessionLifetime.Compute(SessionExpiryMode.Default, now, now, TimeSpan.FromMinutes(20), TimeSpan.FromHours(8)));
    }

    /// <summary>Writes the typical session the way an app does with the built-in ISession (JSON for the list).</summary>
    public static void WriteBuiltIn(ISession session)
    {
        foreach (var (key, value) in Strings)
        {
            session.SetString(key, value);
        }

        session.SetInt32("uid", UserId);
        session.Set("cart", JsonSerializer.SerializeToUtf8Bytes(Cart));
    }

    public static int ReadBuiltIn(ISession session)
    {
        var total = 0;
        foreach (var (key, _) in Strings)
        {
            total += session.GetString(key)!.Length;
        }

        total += session.GetInt32("uid")!.Value;
        session.TryGetValue("cart", out var cart);
        total += JsonSerializer.Deserialize<List<CartLine>>(cart)!.Count;
        return total;
    }

    public static int ReadTyped(Session session)
    {
        var total = 0;
        foreach (var (key, _) in Strings)
        {
            total += session.Get<string>(key)!.Length;
        }

        total += session.Get<int>("uid");
        total += session.Get<List<CartLine>>("cart")!.Count;
        return total;
    }

    public static int Utf8Length(string s) => Encoding.UTF8.GetByteCount(s);
}
