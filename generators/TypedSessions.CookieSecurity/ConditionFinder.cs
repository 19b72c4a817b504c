using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace TypedSessions.CookieSecurity
{
    /// <summary>Finds the <c>if</c>, <c>switch</c> or ternary that decides whether an operation runs.</summary>
    internal static class ConditionFinder
    {
        /// <summary>The source text of the nearest deciding condition, or null when the operation always runs.</summary>
        public static string? Find(IOperation operation)
        {
            for (var (child, parent) = (operation, operation.Parent); parent is not null; (child, parent) = (parent, parent.Parent))
            {
                switch (parent)
                {
                    case IConditionalOperation conditional when child != conditional.Condition:
                        return conditional.Condition.Syntax.ToString();
                    case ISwitchCaseOperation or ISwitchExpressionArmOperation:
                        return parent.Syntax.ToString();
                    case ICoalesceOperation coalesce when child == coalesce.WhenNull:
                        return coalesce.Value.Syntax.ToString() + " is null";
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary when child == binary.RightOperand:
                        return binary.LeftOperand.Syntax.ToString();
                }
            }

            return null;
        }
    }
}
