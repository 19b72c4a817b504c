using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
    /// <c>Append(key, value)</c> secure options and a bare <c>AddSession()</c> <c>SecurePolicy = Always</c>, and appends
    /// <c>; Secure</c> / <c>; HttpOnly</c> to a hand-written <c>Set-Cookie</c> header's string.
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
            DiagnosticIds.MayBeInsecure,
            DiagnosticIds.InsecureOnSomePath,
            DiagnosticIds.SameSiteUnspecified);

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
                case SecurityFixKinds.HeaderSecure:
                case SecurityFixKinds.HeaderHttpOnly:
                    var attribute = kind == SecurityFixKinds.HeaderSecure ? "Secure" : "HttpOnly";
                    return HeaderText(node) is { } text
                        ? Create("Add the " + attribute + " attribute to the Set-Cookie header", ct => AppendAttributeAsync(document, text, "; " + attribute, ct), kind)
                        : null;
                case SecurityFixKinds.OptionsSecureTrue:
                    return node.FirstAncestorOrSelf<BaseObjectCreationExpressionSyntax>() is { } options
                        ? Create("Set Secure to true", ct => AddSecureToCreationAsync(document, options, ct), kind)
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

        // The string a Set-Cookie header's attributes end with: the literal or interpolated string itself, or the last
        // operand of a concatenation. Verbatim and raw strings are left alone (no mechanical edit is obviously right).
        private static ExpressionSyntax? HeaderText(SyntaxNode node)
        {
            var expression = node as ExpressionSyntax;
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            while (expression is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } concatenation)
            {
                expression = concatenation.Right;
            }

            return expression switch
            {
                LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } literal when literal.Token.Text.StartsWith("\"", System.StringComparison.Ordinal) => literal,
                InterpolatedStringExpressionSyntax interpolated when interpolated.StringStartToken.IsKind(SyntaxKind.InterpolatedStringStartToken) => interpolated,
                _ => null,
            };
        }

        private static async Task<Document> AppendAttributeAsync(Document document, ExpressionSyntax text, string attribute, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            ExpressionSyntax replacement = text switch
            {
                LiteralExpressionSyntax literal => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(literal.Token.ValueText + attribute)),
                InterpolatedStringExpressionSyntax interpolated => AppendText(interpolated, attribute),
                _ => text,
            };
            return document.WithSyntaxRoot(root.ReplaceNode(text, replacement.WithTriviaFrom(text)));
        }

        // new CookieOptions { HttpOnly = true } -> new CookieOptions { Secure = true, HttpOnly = true }; new() -> new() { Secure = true }.
        private static async Task<Document> AddSecureToCreationAsync(Document document, BaseObjectCreationExpressionSyntax creation, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var secure = SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("Secure"), SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression));
            BaseObjectCreationExpressionSyntax updated = creation.Initializer is { } initializer
                ? creation.WithInitializer(initializer.WithExpressions(initializer.Expressions.Insert(0, secure)))
                : creation.WithInitializer(SyntaxFactory.InitializerExpression(
                    SyntaxKind.ObjectInitializerExpression, SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(secure)));
            return document.WithSyntaxRoot(root.ReplaceNode(creation, updated.WithAdditionalAnnotations(Formatter.Annotation)));
        }

        // Extends the last text part of $"..." (one text token, as the parser would make it), or adds one after a hole.
        private static InterpolatedStringExpressionSyntax AppendText(InterpolatedStringExpressionSyntax interpolated, string text)
        {
            if (interpolated.Contents.LastOrDefault() is InterpolatedStringTextSyntax last)
            {
                var token = last.TextToken;
                var merged = SyntaxFactory.Token(token.LeadingTrivia, SyntaxKind.InterpolatedStringTextToken, token.Text + text, token.ValueText + text, token.TrailingTrivia);
                return interpolated.ReplaceNode(last, last.WithTextToken(merged));
            }

            return interpolated.AddContents(SyntaxFactory.InterpolatedStringText(
                SyntaxFactory.Token(default, SyntaxKind.InterpolatedStringTextToken, text, text, default)));
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
