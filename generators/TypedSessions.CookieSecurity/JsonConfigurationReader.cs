using System;
using System.Collections.Generic;
using System.Text;

namespace TypedSessions.CookieSecurity
{
    internal enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>A JSON value with its place in the file, so diagnostics can point at it.</summary>
    internal sealed class JsonNode
    {
        public JsonNode(JsonKind kind, int start)
        {
            Kind = kind;
            Start = start;
        }

        public JsonKind Kind { get; }

        public int Start { get; }

        public int End { get; set; }

        /// <summary>The string's value, or a number's text.</summary>
        public string? Text { get; set; }

        public List<KeyValuePair<string, JsonNode>> Properties { get; } = new();

        /// <summary>The value under a key, compared like configuration keys (case-insensitive); the last one wins.</summary>
        public JsonNode? Get(string key)
        {
            JsonNode? found = null;
            foreach (var property in Properties)
            {
                if (string.Equals(property.Key, key, StringComparison.OrdinalIgnoreCase))
                {
                    found = property.Value;
                }
            }

            return found;
        }

        /// <summary>The value under a configuration path (<c>A:B</c>).</summary>
        public JsonNode? GetPath(string path)
        {
            var node = this;
            foreach (var key in path.Split(':'))
            {
                node = node?.Kind == JsonKind.Object ? node.Get(key) : null;
            }

            return node;
        }

        /// <summary>The value as configuration sees it: strings, numbers and booleans as text; JSON null as null.</summary>
        public string? ScalarText => Kind switch
        {
            JsonKind.String or JsonKind.Number => Text,
            JsonKind.True => "true",
            JsonKind.False => "false",
            _ => null,
        };
    }

    /// <summary>
    /// Reads appsettings files the way the configuration JSON provider accepts them (comments and trailing
    /// commas allowed). Returns null for a file that is not valid JSON: such a file breaks the app at start anyway.
    /// </summary>
    internal sealed class JsonConfigurationReader
    {
        private readonly string _text;
        private int _position;

        private JsonConfigurationReader(string text) => _text = text;

        public static JsonNode? Parse(string text)
        {
            var reader = new JsonConfigurationReader(text);
            try
            {
                var root = reader.ReadValue(0);
                reader.SkipTrivia();
                return reader._position == text.Length ? root : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private JsonNode ReadValue(int depth)
        {
            if (depth > 64)
            {
                throw new FormatException();
            }

            SkipTrivia();
            var start = _position;
            switch (Peek())
            {
                case '{':
                    return ReadObject(depth);
                case '[':
                    return ReadArray(depth);
                case '"':
                    var text = ReadString();
                    return new JsonNode(JsonKind.String, start) { Text = text, End = _position };
                case 't':
                    return ReadLiteral("true", JsonKind.True);
                case 'f':
                    return ReadLiteral("false", JsonKind.False);
                case 'n':
                    return ReadLiteral("null", JsonKind.Null);
                default:
                    while (_position < _text.Length && "+-.0123456789eE".IndexOf(_text[_position]) >= 0)
                    {
                        _position++;
                    }

                    if (_position == start)
                    {
                        throw new FormatException();
                    }

                    return new JsonNode(JsonKind.Number, start) { Text = _text.Substring(start, _position - start), End = _position };
            }
        }

        private JsonNode ReadObject(int depth)
        {
            var node = new JsonNode(JsonKind.Object, _position);
            _position++;
            while (true)
            {
                SkipTrivia();
                if (Peek() == '}')
                {
                    _position++;
                    node.End = _position;
                    return node;
                }

                var key = ReadString();
                SkipTrivia();
                Expect(':');
                node.Properties.Add(new KeyValuePair<string, JsonNode>(key, ReadValue(depth + 1)));
                SkipTrivia();
                if (Peek() == ',')
                {
                    _position++;
                }
                else if (Peek() != '}')
                {
                    throw new FormatException();
                }
            }
        }

        private JsonNode ReadArray(int depth)
        {
            var node = new JsonNode(JsonKind.Array, _position);
            _position++;
            var index = 0;
            while (true)
            {
                SkipTrivia();
                if (Peek() == ']')
                {
                    _position++;
                    node.End = _position;
                    return node;
                }

                node.Properties.Add(new KeyValuePair<string, JsonNode>((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), ReadValue(depth + 1)));
                SkipTrivia();
                if (Peek() == ',')
                {
                    _position++;
                }
                else if (Peek() != ']')
                {
                    throw new FormatException();
                }
            }
        }

        private JsonNode ReadLiteral(string literal, JsonKind kind)
        {
            var start = _position;
            if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
            {
                throw new FormatException();
            }

            _position += literal.Length;
            return new JsonNode(kind, start) { End = _position };
        }

        private string ReadString()
        {
            Expect('"');
            var builder = new StringBuilder();
            while (true)
            {
                var c = Next();
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                var escaped = Next();
                switch (escaped)
                {
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    case 'r': builder.Append('\r'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'u':
                        if (_position + 4 > _text.Length)
                        {
                            throw new FormatException();
                        }

                        builder.Append((char)Convert.ToInt32(_text.Substring(_position, 4), 16));
                        _position += 4;
                        break;
                    default: builder.Append(escaped); break;
                }
            }
        }

        private void SkipTrivia()
        {
            while (_position < _text.Length)
            {
                var c = _text[_position];
                if (char.IsWhiteSpace(c))
                {
                    _position++;
                }
                else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
                {
                    while (_position < _text.Length && _text[_position] != '\n')
                    {
                        _position++;
                    }
                }
                else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
                {
                    var end = _text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                    _position = end < 0 ? throw new FormatException() : end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        private char Peek() => _position < _text.Length ? _text[_position] : throw new FormatException();

        private char Next() => _position < _text.Length ? _text[_position++] : throw new FormatException();

        private void Expect(char c)
        {
            if (Next() != c)
            {
                throw new FormatException();
            }
        }
    }
}
