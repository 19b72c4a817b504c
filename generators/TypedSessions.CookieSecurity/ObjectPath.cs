using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// Which object a setting is made on: a root (a lambda or method parameter, a local, a field, or an
    /// object creation) and the properties walked from it (<c>o.Cookie</c>). Settings on the same path
    /// describe the same object, so the rules can combine them (SameSite with Secure, Name with Domain).
    /// </summary>
    internal sealed class ObjectPath : System.IEquatable<ObjectPath>
    {
        private ObjectPath(object root, ITypeSymbol? rootType, ImmutableArray<IPropertySymbol> properties)
        {
            Root = root;
            RootType = rootType;
            Properties = properties;
        }

        /// <summary>An <see cref="ISymbol"/> or the <see cref="IObjectCreationOperation"/> that made the object.</summary>
        public object Root { get; }

        public ITypeSymbol? RootType { get; }

        public ImmutableArray<IPropertySymbol> Properties { get; }

        /// <summary>The type holding the last property of the path (for <c>o.Cookie</c>: the options type); the root's type for a bare root.</summary>
        public ITypeSymbol? Holder => Properties.IsEmpty ? RootType : Properties[Properties.Length - 1].ContainingType;

        /// <summary>Resolves the receiver of a property reference; null when it is not a path the analysis follows.</summary>
        public static ObjectPath? Resolve(IOperation? instance)
        {
            switch (instance)
            {
                case IConversionOperation conversion:
                    return Resolve(conversion.Operand);
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty:
                    return Resolve(property.Instance)?.Append(property.Property);
                case IParameterReferenceOperation parameter:
                    return new ObjectPath(parameter.Parameter, parameter.Parameter.Type, ImmutableArray<IPropertySymbol>.Empty);
                case ILocalReferenceOperation local:
                    return new ObjectPath(local.Local, local.Local.Type, ImmutableArray<IPropertySymbol>.Empty);
                case IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation || field.Field.IsStatic:
                    return new ObjectPath(field.Field, field.Field.Type, ImmutableArray<IPropertySymbol>.Empty);
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } receiver:
                    return ResolveInitialized(receiver);
                case IObjectCreationOperation creation:
                    return ResolveCreation(creation);
                default:
                    return null;
            }
        }

        // The implicit receiver of "X = ..." inside "{ X = ... }": the object the initializer fills.
        private static ObjectPath? ResolveInitialized(IOperation receiver)
        {
            var initializer = receiver.Parent;
            while (initializer is not null and not IObjectOrCollectionInitializerOperation)
            {
                initializer = initializer.Parent;
            }

            return initializer?.Parent switch
            {
                IObjectCreationOperation creation => ResolveCreation(creation),
                IMemberInitializerOperation member => Resolve(member.InitializedMember),
                _ => null,
            };
        }

        // "o.Cookie = new CookieBuilder { ... }" and "var c = new CookieOptions { ... }" continue the path of
        // what the new object is stored in; otherwise the creation itself is the root.
        private static ObjectPath ResolveCreation(IObjectCreationOperation creation)
        {
            IOperation current = creation;
            while (current.Parent is IConversionOperation)
            {
                current = current.Parent;
            }

            switch (current.Parent)
            {
                case ISimpleAssignmentOperation assignment when assignment.Value == current && Resolve(assignment.Target) is { } target:
                    return target;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return new ObjectPath(declarator.Symbol, declarator.Symbol.Type, ImmutableArray<IPropertySymbol>.Empty);
                case IFieldInitializerOperation { InitializedFields.Length: 1 } field:
                    // "static readonly CookieOptions Options = new() { ... }": the settings belong to the field's object.
                    return new ObjectPath(field.InitializedFields[0], field.InitializedFields[0].Type, ImmutableArray<IPropertySymbol>.Empty);
                default:
                    return new ObjectPath(creation, creation.Type, ImmutableArray<IPropertySymbol>.Empty);
            }
        }

        private ObjectPath Append(IPropertySymbol property) => new(Root, RootType, Properties.Add(property));

        public bool Equals(ObjectPath? other)
            => other is not null
               && (Root is ISymbol symbol ? SymbolEqualityComparer.Default.Equals(symbol, other.Root as ISymbol) : ReferenceEquals(Root, other.Root))
               && Properties.Select(p => p.Name).SequenceEqual(other.Properties.Select(p => p.Name));

        public override bool Equals(object? obj) => Equals(obj as ObjectPath);

        public override int GetHashCode()
        {
            var hash = Root is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : Root.GetHashCode();
            foreach (var property in Properties)
            {
                hash = (hash * 31) + property.Name.GetHashCode();
            }

            return hash;
        }
    }
}
