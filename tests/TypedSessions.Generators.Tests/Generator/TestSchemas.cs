namespace TypedSessions.Generators.Tests.Generator;

/// <summary>Schema sources compiled by the generator tests.</summary>
internal static class TestSchemas
{
    public const string Shop = """
        using System.Collections.Generic;
        using System.ComponentModel;
        using MessagePack;
        using TypedSessions;

        namespace Shop;

        public enum Theme { Light, Dark }

        [MessagePackObject]
        public sealed class CartLine
        {
            [Key(0)] public string Sku { get; set; } = "";
            [Key(1)] public int Quantity { get; set; }
        }

        [SessionSchema]
        public partial class ShopSession
        {
            public partial string? Username { get; set; }

            [SessionKey("uid")]
            public partial int? UserId { get; set; }

            public partial List<CartLine> Cart { get; set; }

            [DefaultValue(Theme.Dark)]
            public partial Theme Theme { get; set; }

            public bool IsSignedIn => UserId is not null;
        }
        """;

    public const string Shapes = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel;
        using TypedSessions;

        public partial class Outer
        {
            [SessionSchema]
            internal sealed partial class Preferences
            {
                [DefaultValue("en")]
                public partial string Language { get; set; }

                [DefaultValue(1.5)]
                public partial double Zoom { get; set; }

                [DefaultValue(10L)]
                public partial long Quota { get; set; }

                [DefaultValue(true)]
                public partial bool? Tips { get; set; }

                public partial string Nickname { get; private set; }

                internal partial byte[] Avatar { get; set; }

                public partial HashSet<Guid> Seen { get; set; }

                public partial Dictionary<string, DateTimeOffset> LastVisits { get; set; }

                [SessionKey("class \"quoted\"")]
                public partial TimeSpan @class { get; set; }

                public partial decimal? Balance { get; set; }
            }
        }
        """;
}
