using System.Globalization;
using System.Text;

namespace Llm.Runtime.Tests.Grammar;

/// <summary>
/// A test-only recognizer for the GBNF subset the converter writes (one rule per line; literals, classes,
/// groups, alternation, *, +, ?, {m,n}), so tests can say which texts a grammar accepts without a model.
/// It computes every end position reachable from a start position, memoised per rule and position.
/// </summary>
internal sealed class GbnfMatcher
{
    private abstract record Node;
    private sealed record Lit(int[] Chars) : Node;
    private sealed record Class(bool Negated, (int From, int To)[] Ranges) : Node;
    private sealed record Ref(string Name) : Node;
    private sealed record Seq(Node[] Items) : Node;
    private sealed record Alt(Node[] Options) : Node;
    private sealed record Rep(Node Item, int Min, int? Max) : Node;

    private readonly Dictionary<string, Node> _rules = new(StringComparer.Ordinal);
    private Dictionary<(string, int), HashSet<int>?> _memo = [];
    private int[] _input = [];

    public GbnfMatcher(string grammar)
    {
        foreach (var line in grammar.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var split = line.IndexOf(" ::= ", StringComparison.Ordinal);
            if (split < 0) throw new FormatException($"Not a rule: {line}");
            var name = line[..split];
            if (_rules.ContainsKey(name)) throw new FormatException($"Rule '{name}' defined twice");
            var parser = new Parser(line[(split + 5)..]);
            _rules[name] = parser.ParseAll();
        }
        foreach (var reference in _rules.Values.SelectMany(Refs))
            if (!_rules.ContainsKey(reference)) throw new FormatException($"Undefined rule '{reference}'");
    }

    public IReadOnlyCollection<string> RuleNames => _rules.Keys;

    public bool Matches(string text, string root = "root")
    {
        _input = text.EnumerateRunes().Select(r => r.Value).ToArray();
        _memo = [];
        return Match(new Ref(root), 0).Contains(_input.Length);
    }

    private HashSet<int> Match(Node node, int pos)
    {
        switch (node)
        {
            case Lit lit:
                for (var i = 0; i < lit.Chars.Length; i++)
                    if (pos + i >= _input.Length || _input[pos + i] != lit.Chars[i]) return [];
                return [pos + lit.Chars.Length];
            case Class cls:
                if (pos >= _input.Length) return [];
                var inRange = cls.Ranges.Any(r => _input[pos] >= r.From && _input[pos] <= r.To);
                return inRange != cls.Negated ? [pos + 1] : [];
            case Ref r:
                if (_memo.TryGetValue((r.Name, pos), out var known))
                    return known ?? throw new InvalidOperationException($"Left recursion through '{r.Name}'");
                _memo[(r.Name, pos)] = null;
                var result = Match(_rules[r.Name], pos);
                _memo[(r.Name, pos)] = result;
                return result;
            case Seq seq:
                var positions = new HashSet<int> { pos };
                foreach (var item in seq.Items)
                {
                    positions = positions.SelectMany(p => Match(item, p)).ToHashSet();
                    if (positions.Count == 0) break;
                }
                return positions;
            case Alt alt:
                return alt.Options.SelectMany(o => Match(o, pos)).ToHashSet();
            case Rep rep:
                var ends = new HashSet<int>();
                var frontier = new HashSet<int> { pos };
                for (var k = 0; frontier.Count > 0; k++)
                {
                    if (k >= rep.Min) ends.UnionWith(frontier);
                    if (k == rep.Max) break;
                    var next = frontier.SelectMany(p => Match(rep.Item, p)).ToHashSet();
                    if (k >= rep.Min) next.ExceptWith(ends);
                    frontier = next;
                }
                return ends;
            default:
                throw new InvalidOperationException(node.ToString());
        }
    }

    private static IEnumerable<string> Refs(Node node) => node switch
    {
        Ref r => [r.Name],
        Seq s => s.Items.SelectMany(Refs),
        Alt a => a.Options.SelectMany(Refs),
        Rep p => Refs(p.Item),
        _ => [],
    };

    private sealed class Parser(string text)
    {
        private int _pos;

        public Node ParseAll()
        {
            var node = ParseAlt();
            SkipSpace();
            if (_pos != text.Length) throw new FormatException($"Unexpected '{text[_pos..]}' in: {text}");
            return node;
        }

        private Node ParseAlt()
        {
            var options = new List<Node> { ParseSeq() };
            while (Peek() == '|') { _pos++; options.Add(ParseSeq()); }
            return options.Count == 1 ? options[0] : new Alt([.. options]);
        }

        private Node ParseSeq()
        {
            var items = new List<Node>();
            while (true)
            {
                var c = Peek();
                if (c is null or '|' or ')') break;
                var term = ParseTerm();
                items.Add(ParseQuantifier(term));
            }
            return items.Count == 1 ? items[0] : new Seq([.. items]);
        }

        private Node ParseTerm()
        {
            var c = Peek()!.Value;
            if (c == '"')
            {
                _pos++;
                var chars = new List<int>();
                while (text[_pos] != '"') chars.Add(ParseChar());
                _pos++;
                return new Lit([.. chars]);
            }
            if (c == '[')
            {
                _pos++;
                var negated = text[_pos] == '^';
                if (negated) _pos++;
                var ranges = new List<(int, int)>();
                while (text[_pos] != ']')
                {
                    var from = ParseChar();
                    var to = from;
                    if (text[_pos] == '-' && text[_pos + 1] != ']') { _pos++; to = ParseChar(); }
                    ranges.Add((from, to));
                }
                _pos++;
                return new Class(negated, [.. ranges]);
            }
            if (c == '(')
            {
                _pos++;
                var inner = ParseAlt();
                if (Peek() != ')') throw new FormatException($"Missing ')' in: {text}");
                _pos++;
                return inner;
            }
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '-')) _pos++;
            if (start == _pos) throw new FormatException($"Unexpected '{text[_pos..]}' in: {text}");
            return new Ref(text[start.._pos]);
        }

        private Node ParseQuantifier(Node term)
        {
            if (_pos >= text.Length) return term;
            switch (text[_pos])
            {
                case '*': _pos++; return new Rep(term, 0, null);
                case '+': _pos++; return new Rep(term, 1, null);
                case '?': _pos++; return new Rep(term, 0, 1);
                case '{':
                    var close = text.IndexOf('}', _pos);
                    var parts = text[(_pos + 1)..close].Split(',');
                    _pos = close + 1;
                    var min = int.Parse(parts[0], CultureInfo.InvariantCulture);
                    int? max = parts.Length == 1 ? min : parts[1].Length == 0 ? null : int.Parse(parts[1], CultureInfo.InvariantCulture);
                    return new Rep(term, min, max);
                default: return term;
            }
        }

        private int ParseChar()
        {
            if (text[_pos] != '\\')
            {
                var rune = Rune.GetRuneAt(text, _pos);
                _pos += rune.Utf16SequenceLength;
                return rune.Value;
            }
            var kind = text[_pos + 1];
            _pos += 2;
            int Hex(int digits)
            {
                var value = int.Parse(text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                _pos += digits;
                return value;
            }
            return kind switch
            {
                'x' => Hex(2), 'u' => Hex(4), 'U' => Hex(8),
                'n' => '\n', 'r' => '\r', 't' => '\t',
                '\\' or '"' or '[' or ']' or '-' => kind,
                _ => throw new FormatException($"Unknown escape \\{kind} in: {text}"),
            };
        }

        private char? Peek()
        {
            SkipSpace();
            return _pos < text.Length ? text[_pos] : null;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] == ' ') _pos++;
        }
    }
}
