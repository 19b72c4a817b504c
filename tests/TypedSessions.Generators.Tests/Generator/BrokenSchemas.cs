namespace TypedSessions.Generators.Tests.Generator;

/// <summary>
/// One project's worth of schema mistakes, every TS0xxx at least once and several shapes the generator refuses
/// side by side: compiled in memory (<see cref="BuildOutputTests"/>) and by <c>dotnet build</c>
/// (<see cref="Packaging.BrokenSchemaBuildTests"/>).
/// </summary>
internal static class BrokenSchemas
{
    public const string Source = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using MessagePack;
        using TypedSessions;

        namespace Broken;

        public enum Theme { Light, Dark }

        [Flags] public enum Access { None = 0, Read = 1, Write = 2, Admin = 8 }

        [MessagePackObject]
        public sealed class Point(int x)
        {
            [Key(0)] public int X { get; } = x;
        }

        [SessionSchema]
        public class NotPartial
        {
            public partial int Visits { get; set; }
        }

        [SessionSchema]
        public class NotPartialWithoutProperties
        {
        }

        public class Outer
        {
            [SessionSchema]
            public partial class InnerOfNonPartial
            {
                public partial int Visits { get; set; }
            }
        }

        [SessionSchema]
        public partial class Mistakes
        {
            public string? Ordinary { get; set; }
            public partial int GetOnly { get; }
            public partial int InitOnly { get; init; }
            public static partial int Shared { get; set; }
            public partial int this[int index] { get; set; }
            public partial System.IO.Stream? File { get; set; }
            public partial List<object> Things { get; set; }
            public partial int[,]? Grid { get; set; }
            public partial int Visits { get; set; }
            [SessionKey("Visits")] public partial int Count { get; set; }
            [SessionKey("__internal")] public partial int Reserved { get; set; }
            public partial string? Password { get; set; }
            [DefaultValue("x")] public partial int WrongType { get; set; }
            [DefaultValue(5)] public partial Theme NoSuchTheme { get; set; }
            [DefaultValue(4)] public partial Access NoSuchFlag { get; set; }
            [DefaultValue(300)] public partial byte TooBig { get; set; }
            [DefaultValue(1.5)] public partial int Fraction { get; set; }
            public partial Point Origin { get; set; }

            // Fine: these compile and keep their value.
            [DefaultValue(1)] public partial Theme DarkByNumber { get; set; }
            [DefaultValue(11)] public partial Access ReadWriteAdmin { get; set; }
            [DefaultValue(255)] public partial byte Largest { get; set; }
            [DefaultValue(1.5)] public partial decimal Price { get; set; }
        }

        [SessionSchema] public partial class Generic<T> { public partial int Visits { get; set; } }

        public partial class Container<T>
        {
            [SessionSchema] public partial class NestedInGeneric { public partial T? Value { get; set; } }
        }

        [SessionSchema] public abstract partial class Abstract { public partial int Visits { get; set; } }

        [SessionSchema] public partial record Record { public partial int Visits { get; set; } }

        public partial class Host
        {
            [SessionSchema] protected partial class Protected { public partial int Visits { get; set; } public static partial int Counter { get; set; } }

            [SessionSchema] private partial class Private { public partial int this[string key] { get; set; } }
        }

        [SessionSchema] public static partial class Static { public static partial int Total { get; set; } }

        [SessionSchema] file partial class FileLocal { }
        """;

    /// <summary>Each expected diagnostic: its id and the schema or property it names (quoted in the message).</summary>
    public static readonly (string Id, string Name)[] Expected =
    [
        ("TS0001", "NotPartial"),
        ("TS0001", "NotPartialWithoutProperties"),
        ("TS0001", "InnerOfNonPartial"),
        ("TS0002", "Ordinary"),
        ("TS0003", "GetOnly"),
        ("TS0004", "InitOnly"),
        ("TS0005", "Shared"),
        ("TS0005", "Counter"),
        ("TS0005", "Total"),
        ("TS0006", "Mistakes"),
        ("TS0006", "Private"),
        ("TS0007", "File"),
        ("TS0007", "Things"),
        ("TS0007", "Grid"),
        ("TS0007", "Value"),
        ("TS0008", "Count"),
        ("TS0009", "Reserved"),
        ("TS0010", "Generic"),
        ("TS0010", "NestedInGeneric"),
        ("TS0010", "Abstract"),
        ("TS0010", "Record"),
        ("TS0010", "Protected"),
        ("TS0010", "Private"),
        ("TS0010", "Static"),
        ("TS0010", "FileLocal"),
        ("TS0011", "Password"),
        ("TS0012", "WrongType"),
        ("TS0012", "NoSuchTheme"),
        ("TS0012", "NoSuchFlag"),
        ("TS0012", "TooBig"),
        ("TS0012", "Fraction"),
        ("TS0013", "Origin"),
    ];

    /// <summary>
    /// The compiler's only errors: a type that is not partial next to the generated part of it (CS0260, the
    /// same advice as TS0001). Nothing else, in particular no CS9248 and nothing in generated code.
    /// </summary>
    public static readonly (string Id, string Name)[] ExpectedCompilerErrors =
    [
        ("CS0260", "NotPartial"),
        ("CS0260", "Outer"),
    ];
}
