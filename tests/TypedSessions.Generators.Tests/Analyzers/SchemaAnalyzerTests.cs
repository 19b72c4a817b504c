using static TypedSessions.Generators.Tests.Infrastructure.SchemaVerifier;

namespace TypedSessions.Generators.Tests.Analyzers;

/// <summary>Each schema rule, reported (by the generator) where the mistake is, and silent on good schemas.</summary>
public sealed class SchemaAnalyzerTests
{
    [Fact]
    public Task A_correct_schema_has_no_diagnostics() => VerifyAnalyzerAsync("""
        public enum Theme { Light, Dark }

        [MessagePackObject]
        public sealed class CartLine
        {
            [Key(0)] public string Sku { get; set; } = "";
        }

        [SessionSchema]
        public partial class ShopSession
        {
            public partial string? Username { get; set; }
            [SessionKey("uid")] public partial int? UserId { get; set; }
            public partial List<CartLine> Cart { get; set; }
            [DefaultValue(Theme.Dark)] public partial Theme Theme { get; set; }
            public partial Dictionary<string, Guid[]> Seen { get; set; }
            public partial string? CsrfToken { get; set; }
            public bool IsSignedIn => UserId is not null;
            public int Computed { get => 1; set { } }
            public string Fixed { get; init; } = "";
        }
        """);

    [Fact]
    public Task TS0001_a_schema_that_is_not_partial() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public class {|TS0001:Plain|}
        {
        }

        public class Outer
        {
            [SessionSchema]
            public partial class {|#0:Inner|}
            {
            }
        }
        """,
        Diagnostic("TS0001").WithLocation(0).WithArguments("Inner", ", and so must its containing type 'Outer'"));

    [Fact]
    public Task TS0002_an_auto_property_that_is_not_stored() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public partial class S
        {
            public string? {|TS0002:Name|} { get; set; }
            public int {|TS0002:Count|} { get; private set; }
            public static int Shared { get; set; }
        }
        """);

    [Fact]
    public Task TS0003_to_TS0006_property_shapes() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public partial class S
        {
            public partial int {|TS0003:GetOnly|} { get; }
            public partial int {|TS0004:InitOnly|} { get; init; }
            public static partial int {|TS0005:Shared|} { get; set; }
            public partial int {|TS0006:this|}[int index] { get; set; }
        }
        """);

    [Fact]
    public Task TS0007_unsupported_types_name_the_offending_part() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public partial class S
        {
            public partial {|#0:System.IO.Stream?|} File { get; set; }
            public partial {|#1:List<object>|} Things { get; set; }
            public partial {|#2:int[,]?|} Grid { get; set; }
        }
        """,
        Diagnostic("TS0007").WithLocation(0).WithArguments("File", "System.IO.Stream?", ""),
        Diagnostic("TS0007").WithLocation(1).WithArguments("Things", "System.Collections.Generic.List<object>", " (its part 'object' is not supported)"),
        Diagnostic("TS0007").WithLocation(2).WithArguments("Grid", "int[*,*]?", ""));

    [Fact]
    public Task TS0008_duplicate_keys_including_SessionKey_collisions() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public partial class S
        {
            public partial string? Name { get; set; }
            [SessionKey({|#0:"Name"|})] public partial string? DisplayName { get; set; }
            [SessionKey("x")] public partial int A { get; set; }
            [SessionKey({|#1:"x"|})] public partial int B { get; set; }
            [SessionKey("name")] public partial int CaseDiffers { get; set; }
        }
        """,
        Diagnostic("TS0008").WithLocation(0).WithArguments("DisplayName", "Name", "Name"),
        Diagnostic("TS0008").WithLocation(1).WithArguments("B", "x", "A"));

    [Fact]
    public Task TS0009_invalid_keys() => VerifyAnalyzerAsync($$"""
        [SessionSchema]
        public partial class S
        {
            [SessionKey({|#0:""|})] public partial int Empty { get; set; }
            [SessionKey({|#1:"__internal"|})] public partial int Reserved { get; set; }
            [SessionKey({|#2:"{{new string('k', 257)}}"|})] public partial int Long { get; set; }
            [SessionKey("{{new string('k', 256)}}")] public partial int LongestAllowed { get; set; }
        }
        """,
        Diagnostic("TS0009").WithLocation(0).WithArguments("Empty", "", "a key cannot be empty or white space"),
        Diagnostic("TS0009").WithLocation(1).WithArguments("Reserved", "__internal", "keys starting with \"__\" are reserved for TypedSessions and its integrations"),
        Diagnostic("TS0009").WithLocation(2).WithArguments("Long", new string('k', 257), "a key can have at most 256 characters, this one has 257"));

    [Fact]
    public Task TS0010_unsupported_schema_shapes() => VerifyAnalyzerAsync("""
        [SessionSchema] public partial class {|#0:Generic|}<T> { }
        public partial class Container<T>
        {
            [SessionSchema] public partial class {|#1:Nested|} { }
        }
        [SessionSchema] public abstract partial class {|#2:Abstract|} { }
        [SessionSchema] public partial record {|#3:Record|} { }
        public partial class Host
        {
            [SessionSchema] private partial class {|#4:Hidden|} { }
        }
        """,
        Diagnostic("TS0010").WithLocation(0).WithArguments("Generic", "cannot be generic"),
        Diagnostic("TS0010").WithLocation(1).WithArguments("Nested", "cannot be nested in the generic type 'Container'"),
        Diagnostic("TS0010").WithLocation(2).WithArguments("Abstract", "cannot be abstract: it is created for each request"),
        Diagnostic("TS0010").WithLocation(3).WithArguments("Record", "cannot be a record: a schema is a view over the session, not a value"),
        Diagnostic("TS0010").WithLocation(4).WithArguments("Hidden", "must be accessible from its whole assembly (it or a containing type is private or protected)"));

    [Fact]
    public Task TS0011_names_that_suggest_secrets_warn() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public partial class S
        {
            public partial string? {|#0:Password|} { get; set; }
            public partial string? {|#1:StripeApiKey|} { get; set; }
            public partial string? {|#2:AccessToken|} { get; set; }
            [SessionKey("card_number")] public partial string? {|#3:Payment|} { get; set; }
            public partial string? XsrfToken { get; set; }
            public partial string? Tokenizer { get; set; }
            public partial string? Shipping { get; set; }
        }
        """,
        Diagnostic("TS0011").WithLocation(0).WithArguments("Password", "a password"),
        Diagnostic("TS0011").WithLocation(1).WithArguments("StripeApiKey", "an API key"),
        Diagnostic("TS0011").WithLocation(2).WithArguments("AccessToken", "a token"),
        Diagnostic("TS0011").WithLocation(3).WithArguments("Payment", "payment card data"));

    [Fact]
    public Task TS0012_default_values_that_do_not_fit() => VerifyAnalyzerAsync("""
        public enum Theme { Light, Dark }
        public enum Size { Small }

        [SessionSchema]
        public partial class S
        {
            [{|#0:DefaultValue("x")|}] public partial int Count { get; set; }
            [{|#1:DefaultValue(1)|}] public partial List<int> Items { get; set; }
            [{|#2:DefaultValue(null)|}] public partial int Zero { get; set; }
            [{|#3:DefaultValue(Size.Small)|}] public partial Theme Theme { get; set; }
            [{|#4:DefaultValue(typeof(decimal), "1.5")|}] public partial decimal Price { get; set; }
            [DefaultValue(1.5)] public partial float Zoom { get; set; }
            [DefaultValue(null)] public partial string? Name { get; set; }
        }
        """,
        Diagnostic("TS0012").WithLocation(0).WithArguments("Count", "is a 'string', which does not convert to 'int'"),
        Diagnostic("TS0012").WithLocation(1).WithArguments("Items", "is only supported for strings, enums and primitive values; an absent collection reads as an empty one"),
        Diagnostic("TS0012").WithLocation(2).WithArguments("Zero", "cannot be null for the non-nullable type 'int'"),
        Diagnostic("TS0012").WithLocation(3).WithArguments("Theme", "is a 'Size', which is not a value of the enum 'Theme'"),
        Diagnostic("TS0012").WithLocation(4).WithArguments("Price", "must be a single constant: [DefaultValue(Type, string)] is not supported"));

    [Fact]
    public Task TS0012_an_enum_default_must_be_a_defined_value_or_a_combination_of_defined_flags() => VerifyAnalyzerAsync("""
        public enum Theme { Light, Dark }
        [Flags] public enum Access { None = 0, Read = 1, Write = 2, Admin = 8 }
        [Flags] public enum NoZero { A = 1, B = 2 }
        public enum Small : byte { A = 1 }

        [SessionSchema]
        public partial class S
        {
            [{|#0:DefaultValue(5)|}] public partial Theme NoFive { get; set; }
            [{|#1:DefaultValue((Theme)7)|}] public partial Theme? CastSeven { get; set; }
            [{|#2:DefaultValue(4)|}] public partial Access NoFourFlag { get; set; }
            [{|#3:DefaultValue(300)|}] public partial Small TooBig { get; set; }
            [{|#4:DefaultValue(-1)|}] public partial Access AllBits { get; set; }
            [DefaultValue(1)] public partial Theme DarkByNumber { get; set; }
            [DefaultValue(11)] public partial Access ReadWriteAdmin { get; set; }
            [DefaultValue(Access.Read | Access.Write)] public partial Access Combined { get; set; }
            [DefaultValue(0)] public partial Access Nothing { get; set; }
            [DefaultValue(0)] public partial NoZero NoFlagSet { get; set; }
            [DefaultValue((byte)1)] public partial Small One { get; set; }
        }
        """,
        Diagnostic("TS0012").WithLocation(0).WithArguments("NoFive", "is 5, which is not a value of the enum 'Theme'"),
        Diagnostic("TS0012").WithLocation(1).WithArguments("CastSeven", "is 7, which is not a value of the enum 'Theme'"),
        Diagnostic("TS0012").WithLocation(2).WithArguments("NoFourFlag", "is 4, which is not a combination of the flags of 'Access'"),
        Diagnostic("TS0012").WithLocation(3).WithArguments("TooBig", "is 300, which is not a value of the enum 'Small'"),
        Diagnostic("TS0012").WithLocation(4).WithArguments("AllBits", "is -1, which is not a combination of the flags of 'Access'"));

    [Fact]
    public Task TS0012_a_number_that_the_property_type_cannot_hold() => VerifyAnalyzerAsync("""
        [SessionSchema]
        public partial class S
        {
            [{|#0:DefaultValue(1.5)|}] public partial int Fraction { get; set; }
            [{|#1:DefaultValue(2.0)|}] public partial long WholeDouble { get; set; }
            [{|#2:DefaultValue(300)|}] public partial byte TooBig { get; set; }
            [{|#3:DefaultValue(-1)|}] public partial uint? Negative { get; set; }
            [{|#4:DefaultValue(5000000000L)|}] public partial int TooLong { get; set; }
            [{|#5:DefaultValue(double.NaN)|}] public partial decimal NotANumber { get; set; }
            [{|#6:DefaultValue(70000)|}] public partial char NoSuchChar { get; set; }
            [{|#7:DefaultValue(true)|}] public partial int Flag { get; set; }
            [DefaultValue(255)] public partial byte Largest { get; set; }
            [DefaultValue(5L)] public partial int LongThatFits { get; set; }
            [DefaultValue(65)] public partial char Letter { get; set; }
            [DefaultValue(1.5)] public partial decimal Price { get; set; }
            [DefaultValue(1.5)] public partial float Zoom { get; set; }
            [DefaultValue('a')] public partial int CharCode { get; set; }
        }
        """,
        Diagnostic("TS0012").WithLocation(0).WithArguments("Fraction", "is the double 1.5, which 'int' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(1).WithArguments("WholeDouble", "is the double 2, which 'long' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(2).WithArguments("TooBig", "is the int 300, which 'byte' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(3).WithArguments("Negative", "is the int -1, which 'uint' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(4).WithArguments("TooLong", "is the long 5000000000, which 'int' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(5).WithArguments("NotANumber", "is the double NaN, which 'decimal' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(6).WithArguments("NoSuchChar", "is the int 70000, which 'char' cannot hold without losing its value"),
        Diagnostic("TS0012").WithLocation(7).WithArguments("Flag", "is a 'bool', which does not convert to 'int'"));

    [Fact]
    public Task TS0013_a_non_nullable_type_with_no_value_when_absent() => VerifyAnalyzerAsync("""
        [MessagePackObject]
        public sealed class Point(int x)
        {
            [Key(0)] public int X { get; } = x;
        }

        [SessionSchema]
        public partial class S
        {
            public partial {|TS0013:Point|} Origin { get; set; }
            public partial Point? Maybe { get; set; }
        }
        """);
}
