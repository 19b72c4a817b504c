// Public fields are one of the member kinds MessagePack serializes; the formatters must handle them.
#pragma warning disable CA1051

using MessagePack;

namespace TypedSessions.Generators.Tests.ValueFormatters;

// Value types in the shapes DynamicObjectResolver supports, stored by one schema: the generator writes their formatters.
public enum Priority : byte
{
    Low = 1,
    High = 200,
}

[MessagePackObject]
public sealed class Line
{
    [Key(0)]
    public string Sku { get; set; } = "";

    // A gap at key 1: written as nil.
    [Key(2)]
    public int Quantity { get; set; }

    [Key(3)]
    public Priority Priority { get; set; } = Priority.Low;

    [Key(4)]
    public decimal? Price { get; set; }

    [IgnoreMember]
    public string Ignored { get; set; } = "not stored";
}

[MessagePackObject]
public sealed class Order
{
    [Key(0)]
    public Guid Id { get; set; }

    [Key(1)]
    public List<Line> Lines { get; set; } = [];

    [Key(2)]
    public Dictionary<string, Line[]> ByShelf { get; set; } = [];

    [Key(3)]
    public HashSet<Priority> Flags { get; set; } = [];

    [Key(4)]
    public Address? Ship { get; set; }

    [Key(5)]
    public Point Where { get; set; }

    [Key(6)]
    public Point? MaybeWhere { get; set; }

    [Key(7)]
    public IReadOnlyList<string> Notes { get; set; } = [];

    [Key(8)]
    public byte[]? Blob { get; set; }

    [Key(9)]
    public Order? Parent { get; set; }
}

// String keys (a map); a field initializer stays when the key is absent.
[MessagePackObject]
public sealed class Address
{
    [Key("street")]
    public string Street { get; set; } = "";

    [Key("city")]
    public string City { get; set; } = "Paris";

    [Key("zip")]
    public int? Zip;
}

// Integer keys through a constructor (parameter i is the member with the i-th smallest key), plus a settable member.
[MessagePackObject]
public sealed class Money(string currency, long cents)
{
    [Key(0)]
    public string Currency { get; } = currency;

    [Key(1)]
    public long Cents { get; } = cents;

    [Key(3)]
    public string? Memo { get; set; }
}

// String keys through a constructor matched by name, and an init-only member.
[MessagePackObject]
public sealed record Customer([property: Key("name")] string Name, [property: Key("tier")] int Tier)
{
    [Key("email")]
    public string? Email { get; init; }
}

[MessagePackObject]
public struct Point
{
    [Key(0)]
    public int X;

    [Key(1)]
    public int Y;
}

// Keys are the member names.
[MessagePackObject(keyAsPropertyName: true)]
public sealed class Preferences
{
    public string Language { get; set; } = "en";

    public bool Compact { get; set; }

    public List<Priority> Order { get; set; } = [];
}

// OnBeforeSerialize / OnAfterDeserialize run as with MessagePack's resolver.
[MessagePackObject]
public sealed class Counter : IMessagePackSerializationCallbackReceiver
{
    [Key(0)]
    public int Value { get; set; }

    [IgnoreMember]
    public int Serialized { get; private set; }

    [IgnoreMember]
    public bool Restored { get; private set; }

    public void OnBeforeSerialize() => Serialized++;

    public void OnAfterDeserialize() => Restored = true;
}

[SessionSchema]
public partial class WireSession
{
    public partial string? Name { get; set; }

    public partial int Visits { get; set; }

    public partial Priority Priority { get; set; }

    public partial Priority? MaybePriority { get; set; }

    public partial List<string> Tags { get; set; }

    public partial List<Line> Lines { get; set; }

    public partial Order? Order { get; set; }

    public partial Money? Money { get; set; }

    public partial Customer? Customer { get; set; }

    public partial Preferences Preferences { get; set; }

    public partial Counter? Counter { get; set; }

    public partial Point[] Points { get; set; }

    public partial Dictionary<Priority, List<Address>> Addresses { get; set; }

    public partial HashSet<Guid> Seen { get; set; }

    public partial DateTimeOffset? LastSeen { get; set; }
}
