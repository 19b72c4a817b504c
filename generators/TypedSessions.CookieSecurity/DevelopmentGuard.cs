using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// Tells whether a branch runs only in the Development environment: the severity rule (docs/diagnostics/README.md)
    /// keeps a relaxation that only Development can take at Info (TS1010) and makes every other insecure path a
    /// Warning (TS1011). Recognized: <c>env.IsDevelopment()</c>, <c>env.IsEnvironment("Development")</c>,
    /// <c>env.EnvironmentName == "Development"</c> (or <c>Environments.Development</c>), a <c>switch</c> on
    /// <c>EnvironmentName</c> with a <c>"Development"</c> case or arm, combined with <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>.
    /// </summary>
    internal static class DevelopmentGuard
    {
        private const string Development = "Development";

        /// <summary>Whether the operation runs only in Development (some enclosing branch requires it).</summary>
        public static bool RunsOnlyInDevelopment(IOperation operation)
            => Guards(operation).Any(g => g.Arm is { } arm ? ArmRequiresDevelopment(arm) : Requires(g.Condition!, g.WhenTrue));

        /// <summary>
        /// Whether the operation is skipped only in Development: it is guarded, and every guard fails only there
        /// (<c>if (!env.IsDevelopment()) options.Secure = true;</c>). An unguarded operation is never skipped.
        /// </summary>
        public static bool SkippedOnlyInDevelopment(IOperation operation, IOperation? relativeTo = null)
        {
            var guards = GuardsBeyond(operation, relativeTo);
            return guards.Count > 0 && guards.All(g => g.Arm is null && Requires(g.Condition!, !g.WhenTrue));
        }

        /// <summary>
        /// The guards of <paramref name="operation"/> that do not also guard <paramref name="relativeTo"/>: none when the
        /// operation runs whenever the other does (an assignment and an Append inside the same <c>if</c>).
        /// </summary>
        public static List<(IOperation? Condition, bool WhenTrue, IOperation? Arm, IOperation Owner)> GuardsBeyond(IOperation operation, IOperation? relativeTo)
        {
            var shared = relativeTo is null
                ? new HashSet<(IOperation, bool)>()
                : new HashSet<(IOperation, bool)>(Guards(relativeTo).Select(g => (g.Owner, g.WhenTrue)));
            return Guards(operation).Where(g => !shared.Contains((g.Owner, g.WhenTrue))).ToList();
        }

        /// <summary>The <c>if</c>/ternary branches (condition and which outcome), switch cases and arms that enclose an operation, innermost first.</summary>
        public static IEnumerable<(IOperation? Condition, bool WhenTrue, IOperation? Arm, IOperation Owner)> Guards(IOperation operation)
        {
            for (var (child, parent) = (operation, operation.Parent); parent is not null; (child, parent) = (parent, parent.Parent))
            {
                switch (parent)
                {
                    case IConditionalOperation conditional when child == conditional.WhenTrue:
                        yield return (conditional.Condition, true, null, conditional);
                        break;
                    case IConditionalOperation conditional when child == conditional.WhenFalse:
                        yield return (conditional.Condition, false, null, conditional);
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when child == conjunction.RightOperand:
                        yield return (conjunction.LeftOperand, true, null, conjunction);
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction when child == disjunction.RightOperand:
                        yield return (disjunction.LeftOperand, false, null, disjunction);
                        break;
                    case ISwitchCaseOperation or ISwitchExpressionArmOperation:
                        yield return (null, true, parent, parent);
                        break;
                }
            }
        }

        /// <summary>Whether a switch case or switch-expression arm is taken only in Development.</summary>
        public static bool ArmRequiresDevelopment(IOperation arm)
        {
            switch (arm)
            {
                case ISwitchExpressionArmOperation expressionArm:
                    if (expressionArm.Guard is { } guard && Requires(guard, whenTrue: true))
                    {
                        return true;
                    }

                    return expressionArm.Parent is ISwitchExpressionOperation switchExpression
                           && IsEnvironmentName(switchExpression.Value) && IsDevelopmentPattern(expressionArm.Pattern);
                case ISwitchCaseOperation switchCase when switchCase.Parent is ISwitchOperation switchStatement && IsEnvironmentName(switchStatement.Value):
                    return switchCase.Clauses.Length > 0 && switchCase.Clauses.All(c => c switch
                    {
                        ISingleValueCaseClauseOperation single => IsDevelopmentName(single.Value),
                        IPatternCaseClauseOperation pattern => pattern.Guard is null && IsDevelopmentPattern(pattern.Pattern),
                        _ => false,
                    });
                default:
                    return false;
            }
        }

        /// <summary>Whether the branch taken when <paramref name="condition"/> is <paramref name="whenTrue"/> runs only in Development.</summary>
        public static bool Requires(IOperation condition, bool whenTrue)
        {
            switch (Unwrap(condition))
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return Requires(not.Operand, !whenTrue);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction:
                    return whenTrue
                        ? Requires(conjunction.LeftOperand, true) || Requires(conjunction.RightOperand, true)
                        : Requires(conjunction.LeftOperand, false) && Requires(conjunction.RightOperand, false);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } disjunction:
                    return whenTrue
                        ? Requires(disjunction.LeftOperand, true) && Requires(disjunction.RightOperand, true)
                        : Requires(disjunction.LeftOperand, false) || Requires(disjunction.RightOperand, false);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } equality
                    when (IsEnvironmentName(equality.LeftOperand) && IsDevelopmentName(equality.RightOperand))
                         || (IsEnvironmentName(equality.RightOperand) && IsDevelopmentName(equality.LeftOperand)):
                    return whenTrue == (equality.OperatorKind == BinaryOperatorKind.Equals);
                case IIsPatternOperation isPattern when IsEnvironmentName(isPattern.Value) && IsDevelopmentPattern(isPattern.Pattern):
                    return whenTrue;
                case IInvocationOperation invocation when IsDevelopmentCheck(invocation):
                    return whenTrue;
                default:
                    return false;
            }
        }

        private static bool IsDevelopmentCheck(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!IsHostingType(method.ContainingType))
            {
                return false;
            }

            return method.Name == "IsDevelopment"
                   || (method.Name == "IsEnvironment" && invocation.Arguments.Length == 2 && IsDevelopmentName(invocation.Arguments[1].Value));
        }

        private static bool IsEnvironmentName(IOperation operation)
            => Unwrap(operation) is IPropertyReferenceOperation { Property: { Name: "EnvironmentName" } property } && IsHostingType(property.ContainingType);

        private static bool IsDevelopmentPattern(IPatternOperation pattern)
            => pattern is IConstantPatternOperation constant && IsDevelopmentName(constant.Value);

        // "Development" (the comparison IsEnvironment makes ignores case), or Environments.Development.
        private static bool IsDevelopmentName(IOperation operation)
        {
            var value = Unwrap(operation);
            if (value.ConstantValue is { HasValue: true, Value: string text })
            {
                return string.Equals(text, Development, StringComparison.OrdinalIgnoreCase);
            }

            return value is IFieldReferenceOperation { Field: { Name: Development, IsStatic: true } field } && IsHostingType(field.ContainingType);
        }

        private static bool IsHostingType(INamedTypeSymbol? type)
            => type?.ContainingNamespace?.ToDisplayString() is "Microsoft.Extensions.Hosting" or "Microsoft.AspNetCore.Hosting";

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation or IParenthesizedOperation)
            {
                operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
            }

            return operation;
        }
    }
}
