using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TypedSessions.Generators.Tests.Execution;

namespace TypedSessions.Generators.Tests.ValueFormatters;

/// <summary>
/// The formatters the generator writes for <see cref="WireSession"/>'s value types serve every type it stores without
/// MessagePack's dynamic resolvers (what Native AOT needs), and write exactly the bytes MessagePack's dynamic resolvers
/// write, so data stored by a JIT build reads back under AOT and the reverse.
/// </summary>
public sealed class ValueFormatterTests
{
    // Builtin formatters (primitives, string, Guid, DateTimeOffset, byte[]...) and then a resolver that fails the test
    // if MessagePack would have to build a formatter dynamically.
    private static readonly MessagePackSerializerOptions GeneratedOnly = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create(SessionValueFormatters.Resolver, BuiltinResolver.Instance, NoDynamicResolver.Instance))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    // What a JIT app uses by default: MessagePack's standard resolver, dynamic resolvers included.
    private static readonly MessagePackSerializerOptions Dynamic = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public static TheoryData<string> Samples => new(SampleValues.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void The_generated_resolver_serves_every_collection_enum_and_MessagePackObject_type_the_schema_stores()
    {
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<List<Line>>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Line>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Line[]>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Order>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Dictionary<string, Line[]>>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<IReadOnlyList<string>>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Point?>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Priority>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Priority?>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Dictionary<Priority, List<Address>>>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Customer>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Money>());
        Assert.NotNull(SessionValueFormatters.Resolver.GetFormatter<Preferences>());

        // The generated resolver serves only what schemas need; what MessagePack's builtin resolver serves is left to it.
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<string>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<List<string>>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<string[]>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<int?>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<decimal?>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<DateTimeOffset?>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<byte[]>());
        Assert.Null(SessionValueFormatters.Resolver.GetFormatter<List<Uri>>());
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_value_round_trips_without_any_dynamic_resolver(string sample)
    {
        var (type, value) = SampleValues[sample];

        var bytes = MessagePackSerializer.Serialize(type, value, GeneratedOnly);
        var back = MessagePackSerializer.Deserialize(type, bytes, GeneratedOnly);

        Assert.Equal(Hex(MessagePackSerializer.Serialize(type, value, Dynamic)), Hex(MessagePackSerializer.Serialize(type, back, Dynamic)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Generated_and_dynamic_formatters_write_the_same_bytes_and_read_each_others(string sample)
    {
        var (type, value) = SampleValues[sample];

        var dynamicBytes = MessagePackSerializer.Serialize(type, value, Dynamic);
        var generatedBytes = MessagePackSerializer.Serialize(type, value, GeneratedOnly);
        Assert.Equal(Hex(dynamicBytes), Hex(generatedBytes));

        // Written by a JIT build (dynamic), read under AOT (generated); and the reverse.
        var readByGenerated = MessagePackSerializer.Deserialize(type, dynamicBytes, GeneratedOnly);
        var readByDynamic = MessagePackSerializer.Deserialize(type, generatedBytes, Dynamic);
        Assert.Equal(Hex(dynamicBytes), Hex(MessagePackSerializer.Serialize(type, readByGenerated, Dynamic)));
        Assert.Equal(Hex(dynamicBytes), Hex(MessagePackSerializer.Serialize(type, readByDynamic, GeneratedOnly)));
    }

    [Fact]
    public void Older_and_newer_shapes_read_alike_missing_keys_keep_initializers_and_unknown_keys_are_skipped()
    {
        // Line written by an older version (2 slots) and by a newer one (an extra slot 9).
        var shortLine = Array(w => { w.WriteArrayHeader(1); w.Write("sku-1"); });
        var longLine = Array(w =>
        {
            w.WriteArrayHeader(10);
            w.Write("sku-2");
            w.WriteNil();
            w.Write(3);
            w.Write((byte)200);
            w.WriteNil();
            for (var i = 5; i < 9; i++)
            {
                w.WriteNil();
            }

            w.Write("from the future");
        });

        // Address with an unknown key and without "city" (its initializer, Paris, stays).
        var address = Array(w =>
        {
            w.WriteMapHeader(2);
            w.Write("street");
            w.Write("1 rue de la Paix");
            w.Write("floor");
            w.Write(4);
        });

        foreach (var bytes in new[] { shortLine, longLine })
        {
            var dynamic = MessagePackSerializer.Deserialize<Line>(bytes, Dynamic);
            var generated = MessagePackSerializer.Deserialize<Line>(bytes, GeneratedOnly);
            Assert.Equal(Hex(MessagePackSerializer.Serialize(dynamic, Dynamic)), Hex(MessagePackSerializer.Serialize(generated, Dynamic)));
        }

        var fromGenerated = MessagePackSerializer.Deserialize<Address>(address, GeneratedOnly);
        Assert.Equal(("1 rue de la Paix", "Paris", (int?)null), (fromGenerated.Street, fromGenerated.City, fromGenerated.Zip));
        var fromDynamic = MessagePackSerializer.Deserialize<Address>(address, Dynamic);
        Assert.Equal((fromDynamic.Street, fromDynamic.City, fromDynamic.Zip), (fromGenerated.Street, fromGenerated.City, fromGenerated.Zip));

        // Money (constructor) read from a 2-slot array: the settable member after it stays null.
        var money = MessagePackSerializer.Deserialize<Money>(Array(w => { w.WriteArrayHeader(2); w.Write("EUR"); w.Write(1250L); }), GeneratedOnly);
        Assert.Equal(("EUR", 1250L, (string?)null), (money.Currency, money.Cents, money.Memo));
    }

    [Fact]
    public void Nil_reads_as_null_for_a_class_and_is_refused_for_a_struct_as_MessagePack_does()
    {
        var nil = Array(w => w.WriteNil());

        Assert.Null(MessagePackSerializer.Deserialize<Line>(nil, GeneratedOnly));
        var generated = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Point>(nil, GeneratedOnly));
        var dynamic = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Point>(nil, Dynamic));
        Assert.Equal(dynamic.InnerException?.Message, generated.InnerException?.Message);
    }

    [Fact]
    public void Serialization_callbacks_run()
    {
        var counter = new Counter { Value = 7 };

        var back = MessagePackSerializer.Deserialize<Counter>(MessagePackSerializer.Serialize(counter, GeneratedOnly), GeneratedOnly);

        Assert.Equal(1, counter.Serialized);
        Assert.True(back.Restored);
        Assert.Equal(7, back.Value);
    }

    [Fact]
    public void Untrusted_data_depth_limits_still_apply_to_generated_formatters()
    {
        var order = new Order();
        for (var i = 0; i < 600; i++)
        {
            order = new Order { Parent = order };
        }

        var bytes = MessagePackSerializer.Serialize(order, Dynamic);

        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Order>(bytes, GeneratedOnly));
        Assert.Contains("depth", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_schema_property_round_trips_through_HTTP_with_an_app_resolver_that_has_no_dynamic_formatters()
    {
        await using var host = await SessionTestHost.StartAsync(
            app =>
            {
                app.MapGet("/write", (WireSession s) =>
                {
                    s.Name = "ada";
                    s.Visits = 3;
                    s.Priority = Priority.High;
                    s.MaybePriority = Priority.Low;
                    s.Tags = ["a", "b"];
                    s.Lines = [new Line { Sku = "x", Quantity = 2, Priority = Priority.High, Price = 9.5m }];
                    s.Order = (Order?)SampleValues["order"].Value;
                    s.Money = new Money("EUR", 1250) { Memo = "tip" };
                    s.Customer = new Customer("Grace", 2) { Email = "g@example.com" };
                    s.Preferences.Order.Add(Priority.High);
                    s.Counter = new Counter { Value = 5 };
                    s.Points = [new Point { X = 1, Y = 2 }];
                    s.Addresses = new() { [Priority.Low] = [new Address { Street = "s", Zip = 75001 }] };
                    s.Seen.Add(Guid.Empty);
                    s.LastSeen = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(1));
                    return "ok";
                });
                app.MapGet("/read", (WireSession s) => string.Join('|',
                    s.Name,
                    s.Visits,
                    s.Priority,
                    s.MaybePriority,
                    string.Join(',', s.Tags),
                    $"{s.Lines[0].Sku}:{s.Lines[0].Quantity}:{s.Lines[0].Priority}:{s.Lines[0].Price}",
                    $"{s.Order!.Lines.Count}:{s.Order.ByShelf["top"][0].Sku}:{s.Order.Ship!.City}:{s.Order.Where.Y}:{s.Order.MaybeWhere!.Value.X}:{s.Order.Notes[1]}",
                    $"{s.Money!.Currency}:{s.Money.Cents}:{s.Money.Memo}",
                    $"{s.Customer!.Name}:{s.Customer.Tier}:{s.Customer.Email}",
                    $"{s.Preferences.Language}:{s.Preferences.Order[0]}",
                    $"{s.Counter!.Value}:{s.Counter.Restored}",
                    s.Points[0].Y,
                    s.Addresses[Priority.Low][0].Zip,
                    s.Seen.Count,
                    s.LastSeen!.Value.Offset));
            },
            services => services.Configure<TypedSessionOptions>(o => o.SerializerOptions = MessagePackSerializerOptions.Standard
                .WithResolver(CompositeResolver.Create(BuiltinResolver.Instance, NoDynamicResolver.Instance))
                .WithSecurity(MessagePackSecurity.UntrustedData)));

        await host.GetAsync("/write");
        var read = await host.GetAsync("/read");

        Assert.Equal("ada|3|High|Low|a,b|x:2:High:9.5|2:top-1:Lyon:4:5:second|EUR:1250:tip|Grace:2:g@example.com|en:High|5:True|2|75001|1|01:00:00", read.Body);
    }

    private static readonly Dictionary<string, (Type Type, object? Value)> SampleValues = new(StringComparer.Ordinal)
    {
        ["line"] = (typeof(Line), new Line { Sku = "sku", Quantity = 4, Priority = Priority.High, Price = 12.34m }),
        ["lines"] = (typeof(List<Line>), new List<Line> { new() { Sku = "a" }, new() { Sku = "b", Quantity = -1 } }),
        ["empty lines"] = (typeof(List<Line>), new List<Line>()),
        ["order"] = (typeof(Order), new Order
        {
            Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            Lines = [new Line { Sku = "a", Quantity = 1 }, new Line { Sku = "b", Quantity = 2 }],
            ByShelf = new() { ["top"] = [new Line { Sku = "top-1" }], ["empty"] = [] },
            Flags = [Priority.High],
            Ship = new Address { Street = "rue", City = "Lyon", Zip = 69001 },
            Where = new Point { X = 3, Y = 4 },
            MaybeWhere = new Point { X = 5, Y = 6 },
            Notes = ["first", "second"],
            Blob = [1, 2, 3],
            Parent = new Order(),
        }),
        ["null order"] = (typeof(Order), null),
        ["money"] = (typeof(Money), new Money("JPY", 100) { Memo = "m" }),
        ["money without memo"] = (typeof(Money), new Money("USD", -5)),
        ["customer"] = (typeof(Customer), new Customer("Ada", 1) { Email = "a@example.com" }),
        ["preferences"] = (typeof(Preferences), new Preferences { Language = "fr", Compact = true, Order = [Priority.Low, Priority.High] }),
        ["points"] = (typeof(Point[]), new[] { new Point { X = 1 }, new Point { Y = int.MinValue } }),
        ["nullable enum"] = (typeof(Priority?), (Priority?)Priority.High),
        ["addresses"] = (typeof(Dictionary<Priority, List<Address>>), new Dictionary<Priority, List<Address>> { [Priority.Low] = [new Address(), new Address { Street = "é ✓", Zip = 1 }] }),
        ["tags"] = (typeof(List<string>), new List<string> { "x", "" }),
        ["seen"] = (typeof(HashSet<Guid>), new HashSet<Guid> { Guid.Empty }),
    };

    private static byte[] Array(Action<MessagePackWriterBox> write)
    {
        var box = new MessagePackWriterBox();
        write(box);
        return box.ToArray();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    /// <summary>Fails for any type: stands for MessagePack's dynamic resolvers, which Native AOT does not have.</summary>
    private sealed class NoDynamicResolver : IFormatterResolver
    {
        public static readonly NoDynamicResolver Instance = new();

        public IMessagePackFormatter<T> GetFormatter<T>()
            => throw new InvalidOperationException($"{typeof(T)} reached a dynamic resolver: no generated or builtin formatter serves it.");
    }

    /// <summary>A MessagePackWriter over a buffer, usable from a lambda (the writer is a ref struct).</summary>
    private sealed class MessagePackWriterBox
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

        public void WriteArrayHeader(int count) => Do((ref MessagePackWriter w) => w.WriteArrayHeader(count));

        public void WriteMapHeader(int count) => Do((ref MessagePackWriter w) => w.WriteMapHeader(count));

        public void WriteNil() => Do((ref MessagePackWriter w) => w.WriteNil());

        public void Write(string value) => Do((ref MessagePackWriter w) => w.Write(value));

        public void Write(int value) => Do((ref MessagePackWriter w) => w.Write(value));

        public void Write(long value) => Do((ref MessagePackWriter w) => w.Write(value));

        public void Write(byte value) => Do((ref MessagePackWriter w) => w.Write(value));

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        private void Do(WriteAction action)
        {
            var writer = new MessagePackWriter(_buffer);
            action(ref writer);
            writer.Flush();
        }

        private delegate void WriteAction(ref MessagePackWriter writer);
    }
}
