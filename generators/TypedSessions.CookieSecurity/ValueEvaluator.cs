using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// Evaluates the value given to a setting: constants (literals, enum members, <c>const</c>),
    /// <c>static readonly</c> fields with a constant initializer, locals with every write visible,
    /// ternaries and <c>??</c> (as several candidates), <c>TimeSpan</c> factories and
    /// <c>DateTimeOffset.UtcNow.AddX(n)</c>. Anything else is <see cref="SettingValue.Unknown"/>.
    /// </summary>
    internal sealed class ValueEvaluator
    {
        private const int MaxDepth = 8;

        private readonly ConcurrentDictionary<IFieldSymbol, IOperation> _fieldInitializers;

        public ValueEvaluator(ConcurrentDictionary<IFieldSymbol, IOperation> fieldInitializers) => _fieldInitializers = fieldInitializers;

        public SettingValue Evaluate(IOperation operation) => Evaluate(operation, 0);

        /// <summary>Whether an evaluation read a <c>static readonly</c> field declared in source (its value comes from an initializer).</summary>
        public bool ReadSourceField { get; private set; }

        private SettingValue Evaluate(IOperation operation, int depth)
        {
            if (depth > MaxDepth)
            {
                return SettingValue.Of(SettingValue.Unknown);
            }

            if (operation.ConstantValue.HasValue)
            {
                return SettingValue.Of(FromConstant(operation.ConstantValue.Value, operation.Type));
            }

            switch (operation)
            {
                case IConversionOperation conversion:
                    return Evaluate(conversion.Operand, depth + 1);
                case IConditionalOperation { WhenFalse: { } whenFalse } ternary:
                    return SettingValue.Union(
                        new[]
                        {
                            Evaluate(ternary.WhenTrue, depth + 1).InDevelopment(DevelopmentGuard.Requires(ternary.Condition, whenTrue: true)),
                            Evaluate(whenFalse, depth + 1).InDevelopment(DevelopmentGuard.Requires(ternary.Condition, whenTrue: false)),
                        },
                        ternary.Condition.Syntax.ToString());
                case ISwitchExpressionOperation switchExpression when !switchExpression.Arms.IsEmpty:
                    // Each arm is a candidate; an arm taken only in Development (EnvironmentName "Development", a guard) marks its value so.
                    return SettingValue.Union(
                        switchExpression.Arms.Select(arm => Evaluate(arm.Value, depth + 1).InDevelopment(DevelopmentGuard.ArmRequiresDevelopment(arm))),
                        switchExpression.Value.Syntax.ToString() + " switch");
                case IPropertyReferenceOperation { Property: { Name: "IsHttps" } isHttps } when IsHttpRequest(isHttps.ContainingType):
                    return SettingValue.Of(RequestIsHttps.Instance);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equality when IsSchemeHttps(equality):
                    return SettingValue.Of(RequestIsHttps.Instance);
                case ICoalesceOperation coalesce:
                    return SettingValue.Union(
                        new[] { Evaluate(coalesce.Value, depth + 1), Evaluate(coalesce.WhenNull, depth + 1) },
                        coalesce.Value.Syntax.ToString() + " is null");
                case ILocalReferenceOperation local:
                    return EvaluateLocal(local, depth);
                case IFieldReferenceOperation field:
                    return EvaluateField(field.Field, depth);
                case IInvocationOperation invocation:
                    return SettingValue.Of(EvaluateInvocation(invocation, depth));
                case IObjectCreationOperation creation when IsTimeSpan(creation.Type):
                    return SettingValue.Of(EvaluateTimeSpanConstructor(creation, depth));
                default:
                    return SettingValue.Of(SettingValue.Unknown);
            }
        }

        private static object FromConstant(object? value, ITypeSymbol? type)
        {
            if (value is null)
            {
                return SettingValue.Null;
            }

            if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            {
                var member = enumType.GetMembers().OfType<IFieldSymbol>()
                    .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
                return member is null ? SettingValue.Unknown : new EnumMember(member.Name);
            }

            return value;
        }

        private SettingValue EvaluateField(IFieldSymbol field, int depth)
        {
            if (field.ContainingType?.SpecialType == SpecialType.None && IsTimeSpan(field.ContainingType) && field.IsStatic)
            {
                switch (field.Name)
                {
                    case "Zero":
                        return SettingValue.Of(TimeSpan.Zero);
                    case "MaxValue":
                        return SettingValue.Of(TimeSpan.MaxValue);
                }
            }

            if (field.Name == "InfiniteTimeSpan" && field.ContainingType?.ToDisplayString() == "System.Threading.Timeout")
            {
                return SettingValue.Of(TimeSpan.MaxValue);
            }

            if (field.IsStatic && field.IsReadOnly && !field.DeclaringSyntaxReferences.IsEmpty)
            {
                ReadSourceField = true;
            }

            return field.IsStatic && field.IsReadOnly && _fieldInitializers.TryGetValue(field, out var initializer)
                ? Evaluate(initializer, depth + 1)
                : SettingValue.Of(SettingValue.Unknown);
        }

        // A local is followed when every write to it is visible in its method: the declaration's
        // initializer and plain assignments. Several writes become several candidates.
        private SettingValue EvaluateLocal(ILocalReferenceOperation reference, int depth)
        {
            var root = reference;
            IOperation top = reference;
            while (top.Parent is not null)
            {
                top = top.Parent;
            }

            var writes = new List<SettingValue>();
            string? condition = null;
            foreach (var operation in top.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, root.Local):
                        if (declarator.GetVariableInitializer() is { } initializer)
                        {
                            writes.Add(Evaluate(initializer.Value, depth + 1).InDevelopment(DevelopmentGuard.RunsOnlyInDevelopment(declarator)));
                        }

                        break;
                    case ISimpleAssignmentOperation assignment
                        when assignment.Target is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, root.Local):
                        writes.Add(Evaluate(assignment.Value, depth + 1).InDevelopment(DevelopmentGuard.RunsOnlyInDevelopment(assignment)));
                        condition ??= ConditionFinder.Find(assignment);
                        break;
                    case ILocalReferenceOperation other
                        when SymbolEqualityComparer.Default.Equals(other.Local, root.Local) && IsOtherWrite(other):
                        return SettingValue.Of(SettingValue.Unknown);
                }
            }

            if (writes.Count == 0)
            {
                return SettingValue.Of(SettingValue.Unknown);
            }

            return writes.Count == 1 ? writes[0] : SettingValue.Union(writes, condition ?? "how '" + root.Local.Name + "' is assigned");
        }

        private static bool IsOtherWrite(ILocalReferenceOperation reference) => reference.Parent switch
        {
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            ICompoundAssignmentOperation compound => compound.Target == reference,
            IIncrementOrDecrementOperation => true,
            ICoalesceAssignmentOperation coalesce => coalesce.Target == reference,
            IDeconstructionAssignmentOperation => true,
            ITupleOperation { Parent: IDeconstructionAssignmentOperation } => true,
            _ => false,
        };

        private object EvaluateInvocation(IInvocationOperation invocation, int depth)
        {
            var method = invocation.TargetMethod;
            var arguments = invocation.Arguments.Select(a => Evaluate(a.Value, depth + 1)).ToList();
            if (arguments.Any(a => a.Candidates.Count != 1))
            {
                return SettingValue.Unknown;
            }

            var values = arguments.Select(a => a.Candidates[0]).ToList();
            if (method.IsStatic && IsTimeSpan(method.ContainingType) && values.Count == 1 && ToDouble(values[0]) is { } amount)
            {
                return Scale(method.Name.Substring("From".Length), amount) ?? SettingValue.Unknown;
            }

            if (!method.IsStatic && invocation.Instance is IPropertyReferenceOperation { Property: { IsStatic: true, Name: "Now" or "UtcNow" } now }
                && now.ContainingType?.ToDisplayString() is "System.DateTimeOffset" or "System.DateTime"
                && values.Count == 1)
            {
                if (method.Name == "Add" && values[0] is TimeSpan offset)
                {
                    return new FromNow(offset);
                }

                if (method.Name.StartsWith("Add", StringComparison.Ordinal) && ToDouble(values[0]) is { } count
                    && Scale(method.Name.Substring("Add".Length), count) is TimeSpan added)
                {
                    return new FromNow(added);
                }
            }

            return SettingValue.Unknown;
        }

        private object EvaluateTimeSpanConstructor(IObjectCreationOperation creation, int depth)
        {
            var values = creation.Arguments.Select(a => Evaluate(a.Value, depth + 1)).ToList();
            if (values.Any(v => v.Candidates.Count != 1 || ToDouble(v.Candidates[0]) is null))
            {
                return SettingValue.Unknown;
            }

            var numbers = values.Select(v => (long)ToDouble(v.Candidates[0])!.Value).ToList();
            try
            {
                return numbers.Count switch
                {
                    0 => TimeSpan.Zero,
                    1 => new TimeSpan(numbers[0]),
                    3 => new TimeSpan((int)numbers[0], (int)numbers[1], (int)numbers[2]),
                    4 => new TimeSpan((int)numbers[0], (int)numbers[1], (int)numbers[2], (int)numbers[3]),
                    5 => new TimeSpan((int)numbers[0], (int)numbers[1], (int)numbers[2], (int)numbers[3], (int)numbers[4]),
                    _ => SettingValue.Unknown,
                };
            }
            catch (ArgumentOutOfRangeException)
            {
                return SettingValue.Unknown;
            }
        }

        private static object? Scale(string unit, double amount)
        {
            try
            {
                return unit switch
                {
                    "Days" => TimeSpan.FromDays(amount),
                    "Hours" => TimeSpan.FromHours(amount),
                    "Minutes" => TimeSpan.FromMinutes(amount),
                    "Seconds" => TimeSpan.FromSeconds(amount),
                    "Milliseconds" => TimeSpan.FromMilliseconds(amount),
                    "Ticks" => TimeSpan.FromTicks((long)amount),
                    "Years" => TimeSpan.FromDays(365 * amount),
                    "Months" => TimeSpan.FromDays(30 * amount),
                    _ => null,
                };
            }
            catch (OverflowException)
            {
                return TimeSpan.MaxValue;
            }
        }

        private static double? ToDouble(object value) => value switch
        {
            int i => i,
            long l => l,
            double d => d,
            float f => f,
            short s => s,
            _ => null,
        };

        private static bool IsTimeSpan(ITypeSymbol? type) => type?.ToDisplayString() == "System.TimeSpan";

        private static bool IsHttpRequest(ITypeSymbol? type) => type?.ToDisplayString() == "Microsoft.AspNetCore.Http.HttpRequest";

        // Request.Scheme == "https" (either side).
        private static bool IsSchemeHttps(IBinaryOperation equality)
        {
            static bool IsScheme(IOperation operand)
                => operand is IPropertyReferenceOperation { Property: { Name: "Scheme" } scheme } && IsHttpRequest(scheme.ContainingType);

            static bool IsHttps(IOperation operand)
                => operand.ConstantValue is { HasValue: true, Value: string text } && string.Equals(text, "https", StringComparison.OrdinalIgnoreCase);

            return (IsScheme(equality.LeftOperand) && IsHttps(equality.RightOperand)) || (IsScheme(equality.RightOperand) && IsHttps(equality.LeftOperand));
        }
    }
}
