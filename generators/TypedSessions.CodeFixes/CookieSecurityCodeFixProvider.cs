using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using TypedSessions.Generators;

namespace TypedSessions.CodeFixes
{
    /// <summary>
    /// Fixes the insecure cookie settings the security analyzer reports: Secure/SecurePolicy → Always,
    /// HttpOnly → true, SameSite None → Lax, and removes a Domain (or <c>UseHostPrefix = false</c>).
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
                if (!diagnostic.Properties.TryGetValue(SecurityFixKinds.Key, out var kind) || kind is null
                    || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AssignmentExpressionSyntax>() is not { } assignment)
                {
                    continue;
                }

                var title = Title(kind, assignment);
                if (title is null || (kind == SecurityFixKinds.RemoveAssignment && !CanRemove(assignment)))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => FixAsync(context.Document, assignment, kind, ct), EquivalenceKeyPrefix + kind),
                    diagnostic);
            }
        }

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

        private static ExpressionSyntax Qualified(string type, string member)
            => SyntaxFactory.ParseExpression("global::Microsoft.AspNetCore.Http." + type + "." + member)
                .WithAdditionalAnnotations(Simplifier.Annotation);
    }
}
