using System;
using System.Text;

namespace TypedSessions.Generators
{
    /// <summary>Writes C# source line by line with four-space indentation.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new();

        public int Indentation { get; set; }

        public void OpenBlock()
        {
            WriteLine("{");
            Indentation++;
        }

        public void CloseBlock(string suffix = "")
        {
            Indentation--;
            WriteLine("}" + suffix);
        }

        public void WriteLine(string line)
        {
            if (line.Length > 0)
            {
                _builder.Append(' ', Indentation * 4);
                _builder.Append(line);
            }

            _builder.Append('\n');
        }

        public void WriteLine() => _builder.Append('\n');

        public override string ToString()
        {
            if (Indentation != 0)
            {
                throw new InvalidOperationException("Unbalanced blocks in generated source.");
            }

            return _builder.ToString();
        }
    }
}
