using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using TypedSessions.Analyzers;
using TypedSessions.CookieSecurity;

namespace TypedSessions.CodeFixes
{
    /// <summary>
    /// Fixes the insecure cookie settings the security analyzer reports: Secure/SecurePolicy → Always,
    /// HttpOnly → true, SameSite None → Lax (or keep None and add Secure), removes a Domain (or
    /// <c>UseHostPrefix = false</c>), prefixes a cookie name with <c>__Host-</c>, gives
    /// <c>Append(key, value)</c> secure options and a bare <c>AddSession()</c> <c>SecurePolicy = Always</c>.
    /// The diagnostic says which fix applies (<see cref="SecurityFixKinds"/>); the fix rewrites the assignment it points at.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CookieSecurityCodeFixProvider))]
    [Shared]
    public sealed class CookieSecurityCodeFixProvider : CodeFixProvider
    {
        /// <summary>Equivalence key prefix; the fix kind follows (<c>TypedSessions.Security.SecurePolicyAlways</c>).</summary>
        public const string EquivalenceKeyPrefix = "TypedSessions.Security.";

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
            DiagnosticIds.CookieNotSecure,
            DiagnosticIds.CookieSecureOnlyOnHttps,
            DiagnosticIds.CookieNotHttpOnly,
            DiagnosticIds.SameSiteNoneWithoutSecure,
            DiagnosticIds.CookieDomainSet,
            DiagnosticIds.AddSessionDefaultSecurePolicy,
            DiagnosticIds.CookieNameWithoutHostPrefix,
            DiagnosticIds.MayBeInsecure);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(SecurityFixKinds.Key, out var kinds) || kinds is null)
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                foreach (var kind in kinds.Split(SecurityFixKinds.Separator))
                {
                    if (Fix(context.Document, node, kind) is { } action)
                    {
                        context.RegisterCodeFix(action, diagnostic);
                    }
                }
            }
        }

        private static CodeAction? Fix(Document document, SyntaxNode node, string kind)
        {
            switch (kind)
            {
                case SecurityFixKinds.AppendSecureOptions:
                    return node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { ArgumentList.Arguments.Count: 2 } append
                        ? Create("Pass CookieOptions with Secure and HttpOnly", ct => AddArgumentAsync(document, append, SecureCookieOptions(), ct), kind)
                        : null;
                case SecurityFixKinds.AddSessionSecurePolicy:
                    return node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { ArgumentList.Arguments.Count: 0 } addSession
                        ? Create("Configure the session cookie with CookieSecurePolicy.Always",
                            ct => AddArgumentAsync(document, addSession, SecurePolicyLambda(), ct), kind)
                        : null;
            }

            if (node.FirstAncestorOrSelf<AssignmentExpressionSyntax>() is not { } assignment)
            {
                return null;
            }

            switch (kind)
            {
                case SecurityFixKinds.AddSecureTrue:
                case SecurityFixKinds.AddSecurePolicyAlways:
                    return CanAddSibling(assignment)
                        ? Create(kind == SecurityFixKinds.AddSecureTrue ? "Keep SameSite=None and set Secure to true" : "Keep SameSite=None and use CookieSecurePolicy.Always",
                            ct => AddSiblingAsync(document, assignment, kind, ct), kind)
                        : null;
                case SecurityFixKinds.HostPrefix:
                    return assignment.Right is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } name
                        ? Create("Name the cookie \"__Host-" + name.Token.ValueText + "\"",
                            ct => ReplaceAsync(document, name, SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("__Host-" + name.Token.ValueText)), ct), kind)
                        : null;
                case SecurityFixKinds.RemoveAssignment when !CanRemove(assignment):
                    return null;
            }

            var title = Title(kind, assignment);
            return title is null ? null : Create(title, ct => FixAsync(document, assignment, kind, ct), kind);
        }

        private static CodeAction Create(string title, System.Func<CancellationToken, Task<Document>> fix, string kind)
            => CodeAction.Create(title, fix, EquivalenceKeyPrefix + kind);

        private static string? Title(string kind, AssignmentExpressionSyntax assignment) => kind switch
        {
            SecurityFixKinds.SecurePolicyAlways => "Use CookieSecurePolicy.Always",
            SecurityFixKinds.SecureTrue => "Set Secure to true",
            SecurityFixKinds.HttpOnlyTrue => "Set HttpOnly to true",
            SecurityFixKinds.SameSiteLax => "Use SameSiteMode.Lax",
            SecurityFixKinds.RemoveAssignment => "Remove the " + PropertyName(assignment) + " setting",
            _ => null,
        };

        private static string PropertyName(AssignmentExpressionSyntax assignment) => assignment.Left switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            IdentifierNameSyntax name => name.Identifier.ValueText,
            var other => other.ToString(),
        };

        // An assignment can go when it is an initializer entry or a statement in a block; not when it is a lambda's whole body.
        private static bool CanRemove(AssignmentExpressionSyntax assignment)
            => assignment.Parent is InitializerExpressionSyntax
               || assignment.Parent is ExpressionStatementSyntax { Parent: BlockSyntax };

        // A sibling setting goes into the same initializer, or as the next statement on the same receiver.
        private static bool CanAddSibling(AssignmentExpressionSyntax assignment)
            => assignment.Parent is InitializerExpressionSyntax
               || (assignment.Parent is ExpressionStatementSyntax { Parent: BlockSyntax } && assignment.Left is MemberAccessExpressionSyntax);

        private static async Task<Document> AddSiblingAsync(Document document, AssignmentExpressionSyntax assignment, string kind, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var (property, value) = kind == SecurityFixKinds.AddSecureTrue
                ? ("Secure", (ExpressionSyntax)SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression))
                : ("SecurePolicy", Qualified("CookieSecurePolicy", "Always"));
            SyntaxNode newRoot;
            if (assignment.Parent is InitializerExpressionSyntax initializer)
            {
                var added = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName(property), value);
                var index = initializer.Expressions.IndexOf(assignment);
                newRoot = root.ReplaceNode(initializer, initializer.WithExpressions(initializer.Expressions.Insert(index + 1, added)));
            }
            else
            {
                var statement = (ExpressionStatementSyntax)assignment.Parent!;
                var member = (MemberAccessExpressionSyntax)assignment.Left;
                var target = member.WithName(SyntaxFactory.IdentifierName(property));
                var added = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, target, value))
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia());
                newRoot = root.InsertNodesAfter(statement, new[] { added });
            }

            return document.WithSyntaxRoot(newRoot.WithAdditionalAnnotations(Formatter.Annotation));
        }

        private static async Task<Document> AddArgumentAsync(Document document, InvocationExpressionSyntax invocation, ExpressionSyntax argument, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var arguments = invocation.ArgumentList.Arguments.Add(SyntaxFactory.Argument(argument));
            return document.WithSyntaxRoot(root.ReplaceNode(invocation.ArgumentList, invocation.ArgumentList.WithArguments(arguments)));
        }

        private static async Task<Document> ReplaceAsync(Document document, SyntaxNode oldNode, SyntaxNode newNode, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(oldNode, newNode.WithTriviaFrom(oldNode)));
        }

        // new CookieOptions { Secure = true, HttpOnly = true }, with the type name fully qualified and marked for simplification.
        private static ObjectCreationExpressionSyntax SecureCookieOptions()
        {
            var creation = (ObjectCreationExpressionSyntax)SyntaxFactory.ParseExpression("new CookieOptions { Secure = true, HttpOnly = true }");
            return creation.WithType(SyntaxFactory.ParseTypeName(QualifiedText("CookieOptions")).WithAdditionalAnnotations(Simplifier.Annotation));
        }

        // o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always
        private static SimpleLambdaExpressionSyntax SecurePolicyLambda()
        {
            var lambda = (SimpleLambdaExpressionSyntax)SyntaxFactory.ParseExpression("o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always");
            var assignment = (AssignmentExpressionSyntax)lambda.Body;
            return lambda.ReplaceNode(assignment.Right, Qualified("CookieSecurePolicy", "Always"));
        }

        private static async Task<Document> FixAsync(Document document, AssignmentExpressionSyntax assignment, string kind, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            SyntaxNode newRoot;
            if (kind == SecurityFixKinds.RemoveAssignment)
            {
                newRoot = assignment.Parent is InitializerExpressionSyntax initializer
                    ? root.ReplaceNode(initializer, initializer.WithExpressions(initializer.Expressions.Remove(assignment)))
                    : root.RemoveNode(assignment.Parent!, SyntaxRemoveOptions.KeepDirectives)!;
            }
            else
            {
                var value = kind switch
                {
                    SecurityFixKinds.SecurePolicyAlways => Qualified("CookieSecurePolicy", "Always"),
                    SecurityFixKinds.SameSiteLax => Qualified("SameSiteMode", "Lax"),
                    _ => SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression),
                };
                newRoot = root.ReplaceNode(assignment.Right, value.WithTriviaFrom(assignment.Right));
            }

            return document.WithSyntaxRoot(newRoot);
        }

        private static string QualifiedText(string name) => "global::Microsoft.AspNetCore.Http." + name;

        private static ExpressionSyntax Qualified(string type, string member)
            => SyntaxFactory.ParseExpression(QualifiedText(type + "." + member))
                .WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
