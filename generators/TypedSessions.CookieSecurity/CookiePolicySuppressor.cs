using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using TypedSessions.Analyzers;

namespace TypedSessions.CookieSecurity
{
    /// <summary>
    /// Applies the app-wide <c>UseCookiePolicy</c> mitigation to the TS1001–TS1004 and TS1012 (and matching TS1010/TS1011)
    /// diagnostics <see cref="CookieSecurityAnalyzer"/> reports at the end of an operation block: a policy
    /// forcing Secure (or HttpOnly, or SameSite at least Lax) anywhere in the compilation makes every
    /// appended cookie so, whatever each one asks for. The diagnostics stay visible as suppressed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CookiePolicySuppressor : DiagnosticSuppressor
    {
        private static readonly SuppressionDescriptor SecureTs1001 = Create("TSP1001", DiagnosticIds.CookieNotSecure, "UseCookiePolicy forces Secure on every cookie");
        private static readonly SuppressionDescriptor SecureTs1002 = Create("TSP1002", DiagnosticIds.CookieSecureOnlyOnHttps, "UseCookiePolicy forces Secure on every cookie");
        private static readonly SuppressionDescriptor HttpOnlyTs1003 = Create("TSP1003", DiagnosticIds.CookieNotHttpOnly, "UseCookiePolicy forces HttpOnly on every cookie");
        private static readonly SuppressionDescriptor SameSiteTs1004 = Create("TSP1004", DiagnosticIds.SameSiteNoneWithoutSecure, "UseCookiePolicy forces Secure, or SameSite at least Lax, on every cookie");
        private static readonly SuppressionDescriptor MaybeTs1010 = Create("TSP1010", DiagnosticIds.MayBeInsecure, "UseCookiePolicy mitigates the rule this diagnostic stands for");
        private static readonly SuppressionDescriptor SomePathTs1011 = Create("TSP1011", DiagnosticIds.InsecureOnSomePath, "UseCookiePolicy mitigates the rule this diagnostic stands for");
        private static readonly SuppressionDescriptor SameSiteTs1012 = Create("TSP1012", DiagnosticIds.SameSiteUnspecified, "UseCookiePolicy forces SameSite at least Lax on every cookie");

        /// <inheritdoc/>
        public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } =
            ImmutableArray.Create(SecureTs1001, SecureTs1002, HttpOnlyTs1003, SameSiteTs1004, MaybeTs1010, SomePathTs1011, SameSiteTs1012);

        /// <inheritdoc/>
        public override void ReportSuppressions(SuppressionAnalysisContext context)
        {
            // Cheap first: without a UseCookiePolicy call anywhere, nothing is mitigated.
            if (context.ReportedDiagnostics.IsEmpty
                || !context.Compilation.SyntaxTrees.Any(t => t.GetText(context.CancellationToken).ToString().Contains("UseCookiePolicy")))
            {
                return;
            }

            var types = new SecurityTypes(context.Compilation);
            var collected = new SecurityCollection(types);
            foreach (var tree in context.Compilation.SyntaxTrees)
            {
                var model = context.GetSemanticModel(tree);
                foreach (var node in tree.GetRoot(context.CancellationToken).DescendantNodes())
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    switch (node)
                    {
                        case AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                            if (model.GetOperation(assignment, context.CancellationToken) is ISimpleAssignmentOperation simple)
                            {
                                collected.AddAssignment(simple);
                            }

                            break;
                        case InvocationExpressionSyntax invocation:
                            if (model.GetOperation(invocation, context.CancellationToken) is IInvocationOperation call)
                            {
                                collected.AddInvocation(call);
                            }

                            break;
                        case VariableDeclaratorSyntax { Initializer: { } initializer, Parent.Parent: FieldDeclarationSyntax }:
                            if (model.GetOperation(initializer, context.CancellationToken) is IFieldInitializerOperation field)
                            {
                                collected.AddFieldInitializer(field);
                            }

                            break;
                    }
                }
            }

            var evaluator = new ValueEvaluator(collected.FieldInitializers);
            var settings = collected.Settings.ToList();
            foreach (var setting in settings)
            {
                setting.Evaluated = evaluator.Evaluate(setting.Value);
            }

            var (secure, httpOnly, sameSite) = SecurityRules.Policy(collected.UsesCookiePolicy, settings);
            foreach (var diagnostic in context.ReportedDiagnostics)
            {
                // A Set-Cookie header written by hand does not go through Response.Cookies, which the policy wraps.
                if (diagnostic.Properties.ContainsKey(SecurityRules.HeaderKey))
                {
                    continue;
                }

                var rule = diagnostic.Id is DiagnosticIds.MayBeInsecure or DiagnosticIds.InsecureOnSomePath && diagnostic.Properties.TryGetValue(SecurityRules.RuleKey, out var standsFor)
                    ? standsFor
                    : diagnostic.Id;
                var mitigated = rule switch
                {
                    DiagnosticIds.CookieNotSecure or DiagnosticIds.CookieSecureOnlyOnHttps => secure,
                    DiagnosticIds.CookieNotHttpOnly => httpOnly,
                    DiagnosticIds.SameSiteNoneWithoutSecure => secure || sameSite,
                    DiagnosticIds.SameSiteUnspecified => sameSite,
                    _ => false,
                };
                if (!mitigated)
                {
                    continue;
                }

                var descriptor = diagnostic.Id switch
                {
                    DiagnosticIds.CookieNotSecure => SecureTs1001,
                    DiagnosticIds.CookieSecureOnlyOnHttps => SecureTs1002,
                    DiagnosticIds.CookieNotHttpOnly => HttpOnlyTs1003,
                    DiagnosticIds.SameSiteNoneWithoutSecure => SameSiteTs1004,
                    DiagnosticIds.SameSiteUnspecified => SameSiteTs1012,
                    DiagnosticIds.InsecureOnSomePath => SomePathTs1011,
                    _ => MaybeTs1010,
                };
                context.ReportSuppression(Suppression.Create(descriptor, diagnostic));
            }
        }

        private static SuppressionDescriptor Create(string id, string suppressed, string justification) => new(id, suppressed, justification);
    }
}
