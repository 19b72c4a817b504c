using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// Reports cookie and session settings that weaken security (TS1001–TS1012), in code, in hand-written
    /// <c>Set-Cookie</c> headers and in
    /// <c>appsettings*.json</c> additional files. Settings are collected from assignments (plain,
    /// nested and in object initializers, wherever they are: lambdas and methods given to
    /// <c>AddSession</c>, <c>Configure&lt;T&gt;</c>, <c>AddCookie</c>, ...). A setting on an object rooted
    /// in a parameter, a local or an object creation is judged at the end of its operation block (a
    /// local diagnostic the IDE shows as the document is edited; the app-wide <c>UseCookiePolicy</c>
    /// mitigation is applied by <see cref="CookiePolicySuppressor"/>); field-rooted settings, TS1008
    /// and the <c>appsettings*.json</c> rules are judged when the whole compilation has been seen.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CookieSecurityAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            SecurityDescriptors.Locals.AddRange(SecurityDescriptors.CompilationEnd);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var types = new SecurityTypes(start.Compilation);
                if (!types.AnyKnown)
                {
                    return;
                }

                var collected = new SecurityCollection(types);
                start.RegisterOperationAction(c => collected.AddFieldInitializer((IFieldInitializerOperation)c.Operation), OperationKind.FieldInitializer);
                start.RegisterOperationBlockStartAction(block =>
                {
                    // What one member (its lambdas included) alone decides is reported at the block's end,
                    // so the IDE shows it while the document is edited; the block's findings then join the
                    // compilation's, which judges the rest at compilation end (each operation is visited once).
                    var local = new SecurityCollection(types);
                    block.RegisterOperationAction(c => local.AddAssignment((ISimpleAssignmentOperation)c.Operation), OperationKind.SimpleAssignment);
                    block.RegisterOperationAction(c => local.AddInvocation((IInvocationOperation)c.Operation), OperationKind.Invocation);
                    block.RegisterOperationBlockEndAction(end =>
                    {
                        if (!local.Settings.IsEmpty || !local.Appends.IsEmpty || !local.Headers.IsEmpty)
                        {
                            new SecurityRules(local, end.Options, end.ReportDiagnostic, SecurityScope.Block, end.CancellationToken).Report();
                        }

                        collected.AddFrom(local);
                    });
                });
                start.RegisterCompilationEndAction(end => new SecurityRules(collected, end.Options, end.ReportDiagnostic, SecurityScope.CompilationEnd, end.CancellationToken).Report());
            });
        }
    }

    /// <summary>What the operation actions found, shared by the concurrent actions of one compilation.</summary>
    internal sealed class SecurityCollection
    {
        private static readonly ImmutableHashSet<string> Properties = ImmutableHashSet.Create(
            "Secure", "SecurePolicy", "HttpOnly", "SameSite", "Domain", "Path", "Name", "UseHostPrefix",
            "IdleTimeout", "AbsoluteTimeout", "MaxAge", "Expires", "Expiration", "ExpireTimeSpan", "SlidingExpiration",
            "MinimumSameSitePolicy");

        public SecurityCollection(SecurityTypes types) => Types = types;

        public SecurityTypes Types { get; }

        public ConcurrentBag<CollectedSetting> Settings { get; } = new();

        public ConcurrentBag<CollectedAppend> Appends { get; } = new();

        /// <summary>The <c>Set-Cookie</c> headers written by hand.</summary>
        public ConcurrentBag<CollectedHeader> Headers { get; } = new();

        /// <summary>The <c>AddSession</c> calls, and whether each is the bare <c>AddSession()</c> (no configure delegate).</summary>
        public ConcurrentBag<(Location Location, bool Bare)> AddSessionCalls { get; } = new();

        /// <summary>Configuration sections bound to <c>SessionOptions</c> (<c>Configure&lt;SessionOptions&gt;(config.GetSection("Session"))</c>).</summary>
        public ConcurrentBag<string> SessionOptionsSections { get; } = new();

        public ConcurrentDictionary<IFieldSymbol, IOperation> FieldInitializers { get; } = new(SymbolEqualityComparer.Default);

        public bool UsesCookiePolicy { get; private set; }

        public bool UsesTypedSessions { get; private set; }

        public void AddAssignment(ISimpleAssignmentOperation assignment)
        {
            // Headers.SetCookie = "..." and Headers["Set-Cookie"] = "...".
            if (assignment.Target is IPropertyReferenceOperation header
                && (header.Property.Name == "SetCookie" || (header.Property.IsIndexer && header.Arguments.Length == 1 && IsSetCookieName(header.Arguments[0].Value)))
                && IsHeaderDictionary(header.Instance?.Type ?? header.Property.ContainingType))
            {
                Headers.Add(new CollectedHeader(Unwrap(assignment.Value)));
                return;
            }

            if (assignment.Target is not IPropertyReferenceOperation { Property: var property } target || !Properties.Contains(property.Name))
            {
                return;
            }

            var owner = Types.OwnerOf(property.ContainingType);
            if (owner == SettingOwner.None)
            {
                return;
            }

            Settings.Add(new CollectedSetting(
                ObjectPath.Resolve(target.Instance),
                owner,
                property.Name,
                assignment.Value,
                assignment.Syntax.GetLocation(),
                ConditionFinder.Find(assignment),
                assignment));
        }

        public void AddInvocation(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var containing = method.ContainingType;
            if (SecurityTypes.Is(containing, Types.SessionExtensions) && method.Name == "AddSession")
            {
                AddSessionCalls.Add((invocation.Syntax.GetLocation(), invocation.Arguments.All(a => a.Parameter?.Ordinal == 0 || a.IsImplicit)));
            }
            else if (SecurityTypes.Is(containing, Types.CookiePolicyExtensions) && method.Name == "UseCookiePolicy")
            {
                UsesCookiePolicy = true;
            }
            else if (SecurityTypes.Is(containing, Types.TypedSessionsExtensions) && method.Name == "AddTypedSessions")
            {
                UsesTypedSessions = true;
            }
            else if (method.Name == "Append" && Implements(containing, Types.ResponseCookies))
            {
                AddAppend(invocation);
            }
            else if (method.Name is "Append" or "Add" or "TryAdd" && SetCookieHeaderValue(invocation) is { } headerValue)
            {
                Headers.Add(new CollectedHeader(headerValue));
            }
            else if (method.IsGenericMethod && method.TypeArguments.Length == 1
                     && SecurityTypes.Is(method.TypeArguments[0], Types.SessionOptions)
                     && method.Name == "Configure" && ConfigurationSection(invocation) is { } section)
            {
                SessionOptionsSections.Add(section);
            }
            else if (method.Name is "Bind" or "BindConfiguration" && containing?.Name == "OptionsBuilderConfigurationExtensions"
                     && method.TypeArguments.Length == 1 && SecurityTypes.Is(method.TypeArguments[0], Types.SessionOptions)
                     && ConfigurationSection(invocation) is { } bound)
            {
                SessionOptionsSections.Add(bound);
            }
        }

        /// <summary>Adds what one operation block found (at that block's end).</summary>
        public void AddFrom(SecurityCollection block)
        {
            foreach (var setting in block.Settings)
            {
                Settings.Add(setting);
            }

            foreach (var append in block.Appends)
            {
                Appends.Add(append);
            }

            foreach (var header in block.Headers)
            {
                Headers.Add(header);
            }

            foreach (var call in block.AddSessionCalls)
            {
                AddSessionCalls.Add(call);
            }

            foreach (var section in block.SessionOptionsSections)
            {
                SessionOptionsSections.Add(section);
            }

            if (block.UsesCookiePolicy)
            {
                UsesCookiePolicy = true;
            }

            if (block.UsesTypedSessions)
            {
                UsesTypedSessions = true;
            }
        }

        public void AddFieldInitializer(IFieldInitializerOperation initializer)
        {
            foreach (var field in initializer.InitializedFields)
            {
                if (field.IsStatic && field.IsReadOnly)
                {
                    FieldInitializers[field] = initializer.Value;
                }
            }
        }

        private void AddAppend(IInvocationOperation invocation)
        {
            var argument = invocation.Arguments.FirstOrDefault(a => SecurityTypes.Is(a.Parameter?.Type, Types.CookieOptions));
            if (argument is null)
            {
                // Append(key, value): the cookie gets no Secure and no HttpOnly attribute.
                if (invocation.TargetMethod.Parameters.Length == 2 && invocation.TargetMethod.Parameters.All(p => p.Type.SpecialType == SpecialType.System_String))
                {
                    Appends.Add(new CollectedAppend(null, invocation.Syntax.GetLocation(), invocation));
                }

                return;
            }

            if (argument.IsImplicit)
            {
                return;
            }

            var value = Unwrap(argument.Value);

            // Only options created right here, in a local initialized with "new CookieOptions()" (or "new()"), or in a
            // readonly field so initialized (in any class): anything else may be set elsewhere.
            var createdHere = value switch
            {
                IObjectCreationOperation creation => creation.Arguments.IsEmpty,
                ILocalReferenceOperation local => IsCreatedWithoutCopy(local),
                IFieldReferenceOperation field => IsReadOnlyFieldCreatedWithoutCopy(field.Field),
                _ => false,
            };
            if (createdHere && ObjectPath.Resolve(value) is { } path)
            {
                Appends.Add(new CollectedAppend(path, argument.Syntax.GetLocation(), argument));
            }
        }

        private static bool IsCreatedWithoutCopy(ILocalReferenceOperation local)
        {
            IOperation top = local;
            while (top.Parent is not null)
            {
                top = top.Parent;
            }

            return top.Descendants().OfType<IVariableDeclaratorOperation>()
                .Where(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local))
                .Select(d => d.GetVariableInitializer()?.Value)
                .Any(v => v is not null && Unwrap(v) is IObjectCreationOperation { Arguments.IsEmpty: true });
        }

        // A readonly field declared in source whose initializer is "new CookieOptions { ... }" or "new() { ... }" (read from
        // syntax: the initializer may be in another file). Its settings are collected from that initializer's operation block.
        private static bool IsReadOnlyFieldCreatedWithoutCopy(IFieldSymbol field)
            => field.IsReadOnly
               && field.DeclaringSyntaxReferences.Length == 1
               && field.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: var initializer }
               && initializer switch
               {
                   Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax creation => creation.ArgumentList is null or { Arguments.Count: 0 },
                   Microsoft.CodeAnalysis.CSharp.Syntax.ImplicitObjectCreationExpressionSyntax creation => creation.ArgumentList.Arguments.Count == 0,
                   _ => false,
               };

        // The value of Headers.Append("Set-Cookie", v), Headers.Add(...), Headers.TryAdd(...) on an IHeaderDictionary.
        private IOperation? SetCookieHeaderValue(IInvocationOperation invocation)
        {
            var receiver = invocation.Instance ?? (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
            if (receiver is null || !IsHeaderDictionary(Unwrap(receiver).Type))
            {
                return null;
            }

            var arguments = invocation.Arguments.Where(a => a.Value != receiver).OrderBy(a => a.Parameter?.Ordinal ?? 0).ToList();
            return arguments.Count == 2 && IsSetCookieName(arguments[0].Value) ? Unwrap(arguments[1].Value) : null;
        }

        private bool IsHeaderDictionary(ITypeSymbol? type)
            => type is INamedTypeSymbol named && Implements(named, Types.HeaderDictionary);

        // "Set-Cookie" (any case) or HeaderNames.SetCookie (a static readonly field, not a constant).
        private static bool IsSetCookieName(IOperation operation)
        {
            var value = Unwrap(operation);
            if (value.ConstantValue is { HasValue: true, Value: string name })
            {
                return string.Equals(name, "Set-Cookie", System.StringComparison.OrdinalIgnoreCase);
            }

            return value is IFieldReferenceOperation { Field: { Name: "SetCookie", IsStatic: true } field }
                   && field.ContainingType?.ToDisplayString() == "Microsoft.Net.Http.Headers.HeaderNames";
        }

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }

        // The section path of config.GetSection("A").GetSection("B") or BindConfiguration("A:B").
        private static string? ConfigurationSection(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Value.ConstantValue is { HasValue: true, Value: string path } && argument.Parameter?.Name == "configSectionPath")
                {
                    return path;
                }

                if (SectionPath(argument.Value) is { } section)
                {
                    return section;
                }
            }

            return null;
        }

        private static string? SectionPath(IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (operation is IInvocationOperation { TargetMethod.Name: "GetSection" } getSection
                && getSection.Arguments.LastOrDefault()?.Value.ConstantValue is { HasValue: true, Value: string key })
            {
                var prefix = getSection.Instance is { } parent ? SectionPath(parent) : null;
                return prefix is null ? key : prefix + ":" + key;
            }

            return null;
        }

        private static bool Implements(INamedTypeSymbol? type, INamedTypeSymbol? contract)
            => contract is not null && type is not null
               && (SecurityTypes.Is(type, contract) || type.AllInterfaces.Any(i => SecurityTypes.Is(i, contract)));
    }
}
