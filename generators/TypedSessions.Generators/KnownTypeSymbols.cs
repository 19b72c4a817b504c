using Microsoft.CodeAnalysis;

namespace TypedSessions.Generators
{
    /// <summary>The types the schema rules look at, resolved once per compilation.</summary>
    internal sealed class KnownTypeSymbols
    {
        public const string SessionSchemaAttributeName = "TypedSessions.SessionSchemaAttribute";
        public const string SessionKeyAttributeName = "TypedSessions.SessionKeyAttribute";

        public KnownTypeSymbols(Compilation compilation)
        {
            Compilation = compilation;
            SessionSchemaAttribute = compilation.GetTypeByMetadataName(SessionSchemaAttributeName);
            SessionKeyAttribute = compilation.GetTypeByMetadataName(SessionKeyAttributeName);
            DefaultValueAttribute = compilation.GetTypeByMetadataName("System.ComponentModel.DefaultValueAttribute");
            MessagePackObjectAttribute = compilation.GetTypeByMetadataName("MessagePack.MessagePackObjectAttribute");
            List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            HashSet = compilation.GetTypeByMetadataName("System.Collections.Generic.HashSet`1");
            Dictionary = compilation.GetTypeByMetadataName("System.Collections.Generic.Dictionary`2");
            DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
            TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
            Guid = compilation.GetTypeByMetadataName("System.Guid");
        }

        public Compilation Compilation { get; }

        public INamedTypeSymbol? SessionSchemaAttribute { get; }

        public INamedTypeSymbol? SessionKeyAttribute { get; }

        public INamedTypeSymbol? DefaultValueAttribute { get; }

        public INamedTypeSymbol? MessagePackObjectAttribute { get; }

        public INamedTypeSymbol? List { get; }

        public INamedTypeSymbol? HashSet { get; }

        public INamedTypeSymbol? Dictionary { get; }

        public INamedTypeSymbol? DateTimeOffset { get; }

        public INamedTypeSymbol? TimeSpan { get; }

        public INamedTypeSymbol? Guid { get; }
    }
}
