using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TypedSessions.Generators.Model
{
    /// <summary>
    /// A schema diagnostic held by value (no <see cref="Location"/> or symbol), so the pipeline model stays
    /// comparable; turned back into a <see cref="Diagnostic"/> in the file it came from when reported.
    /// </summary>
    /// <param name="Id">The TS0xxx id; its descriptor is <see cref="DiagnosticDescriptors.ById"/>.</param>
    /// <param name="FilePath">The source file the diagnostic points into.</param>
    /// <param name="Span">Where in that file.</param>
    /// <param name="LineSpan">The same place as lines and columns (for a file the compilation no longer has).</param>
    /// <param name="Arguments">The message arguments.</param>
    internal sealed record DiagnosticInfo(
        string Id,
        string FilePath,
        TextSpan Span,
        LinePositionSpan LineSpan,
        EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
            => new(
                descriptor.Id,
                location.SourceTree?.FilePath ?? string.Empty,
                location.SourceSpan,
                location.GetLineSpan().Span,
                new EquatableArray<string>(arguments));

        /// <summary>The diagnostic at its place in <paramref name="tree"/> (so <c>#pragma</c> and .editorconfig apply), else by path.</summary>
        public Diagnostic ToDiagnostic(SyntaxTree? tree)
        {
            var location = tree is not null && Span.End <= tree.Length
                ? Location.Create(tree, Span)
                : Location.Create(FilePath, Span, LineSpan);
            var arguments = new object[Arguments.Count];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = Arguments[i];
            }

            return Diagnostic.Create(DiagnosticDescriptors.ById[Id], location, arguments);
        }

        public override string ToString() => Id + " " + FilePath + Span + ": " + string.Join(", ", Arguments);
    }
}
