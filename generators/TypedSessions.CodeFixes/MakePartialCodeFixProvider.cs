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
using TypedSessions.Analyzers;

namespace TypedSessions.CodeFixes
{
    /// <summary>
    /// Adds the <c>partial</c> modifier: to a schema class and its containing types (TS0001), or to a
    /// schema property so that it is stored in the session (TS0002).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider))]
    [Shared]
    public sealed class MakePartialCodeFixProvider : CodeFixProvider
    {
        /// <summary>Equivalence key of the class fix.</summary>
        public const string MakeClassPartialKey = "TypedSessions.MakeSchemaPartial";

        /// <summary>Equivalence key of the property fix.</summary>
        public const string MakePropertyPartialKey = "TypedSessions.MakePropertyPartial";

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.SchemaNotPartial, DiagnosticIds.PropertyNotPartial);

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
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (diagnostic.Id == DiagnosticIds.SchemaNotPartial && node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Make '" + type.Identifier.ValueText + "' partial",
                            ct => MakeTypesPartialAsync(context.Document, type, ct),
                            MakeClassPartialKey),
                        diagnostic);
                }
                else if (diagnostic.Id == DiagnosticIds.PropertyNotPartial
                         && node.FirstAncestorOrSelf<PropertyDeclarationSyntax>() is { Initializer: null } property)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            "Make '" + property.Identifier.ValueText + "' a partial session property",
                            ct => MakePropertyPartialAsync(context.Document, property, ct),
                            MakePropertyPartialKey),
                        diagnostic);
                }
            }
        }

        private static async Task<Document> MakeTypesPartialAsync(Document document, TypeDeclarationSyntax type, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var targets = type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !IsPartial(t.Modifiers)).ToList();
            var newRoot = root!.ReplaceNodes(targets, (_, rewritten) => AddPartial(rewritten));
            return document.WithSyntaxRoot(newRoot);
        }

        private static async Task<Document> MakePropertyPartialAsync(Document document, PropertyDeclarationSyntax property, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var updated = property.Modifiers.Count == 0
                ? property
                    .WithType(property.Type.WithoutLeadingTrivia())
                    .WithModifiers(SyntaxFactory.TokenList(PartialToken(property.Type.GetLeadingTrivia())))
                : property.AddModifiers(PartialToken(default));
            return document.WithSyntaxRoot(root!.ReplaceNode(property, updated));
        }

        private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
        {
            if (type.Modifiers.Count > 0)
            {
                return type.AddModifiers(PartialToken(default));
            }

            var partial = PartialToken(type.Keyword.LeadingTrivia);
            return type.WithKeyword(type.Keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }

        private static SyntaxToken PartialToken(SyntaxTriviaList leading)
            => SyntaxFactory.Token(leading, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));

        private static bool IsPartial(SyntaxTokenList modifiers) => modifiers.Any(SyntaxKind.PartialKeyword);
    }
}
