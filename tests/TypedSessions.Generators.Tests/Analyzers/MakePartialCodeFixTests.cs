using TypedSessions.CodeFixes;
using static TypedSessions.Generators.Tests.Infrastructure.SchemaVerifier;

namespace TypedSessions.Generators.Tests.Analyzers;

/// <summary>The "make partial" code fixes, one at a time and as Fix All.</summary>
public sealed class MakePartialCodeFixTests
{
    [Fact]
    public Task TS0001_makes_the_schema_partial() => VerifyCodeFixAsync(
        """
        [SessionSchema]
        public sealed class {|TS0001:Cart|}
        {
            public partial int Count { get; set; }
        }
        """,
        """
        [SessionSchema]
        public sealed partial class Cart
        {
            public partial int Count { get; set; }
        }
        """,
        MakePartialCodeFixProvider.MakeClassPartialKey);

    [Fact]
    public Task TS0001_makes_the_containing_types_partial_too() => VerifyCodeFixAsync(
        """
        class Outer
        {
            [SessionSchema]
            internal class {|TS0001:Inner|}
            {
            }
        }
        """,
        """
        partial class Outer
        {
            [SessionSchema]
            internal partial class Inner
            {
            }
        }
        """,
        MakePartialCodeFixProvider.MakeClassPartialKey);

    [Fact]
    public Task TS0001_Fix_All_makes_every_schema_partial() => VerifyCodeFixAsync(
        """
        [SessionSchema]
        public class {|TS0001:First|}
        {
        }

        [SessionSchema]
        class {|TS0001:Second|}
        {
        }
        """,
        """
        [SessionSchema]
        public partial class First
        {
        }

        [SessionSchema]
        partial class Second
        {
        }
        """,
        MakePartialCodeFixProvider.MakeClassPartialKey);

    [Fact]
    public Task TS0002_Fix_All_makes_the_auto_properties_partial_and_leaves_initialized_ones() => VerifyCodeFixAsync(
        """
        [SessionSchema]
        public partial class Profile
        {
            public string? {|TS0002:Name|} { get; set; }

            internal int {|TS0002:Age|} { get; private set; }

            public string {|TS0002:Initialized|} { get; set; } = "";

            public bool IsAdult => Age >= 18;
        }
        """,
        """
        [SessionSchema]
        public partial class Profile
        {
            public partial string? Name { get; set; }

            internal partial int Age { get; private set; }

            public string {|TS0002:Initialized|} { get; set; } = "";

            public bool IsAdult => Age >= 18;
        }
        """,
        MakePartialCodeFixProvider.MakePropertyPartialKey);
}
