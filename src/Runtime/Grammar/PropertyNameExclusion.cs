using System.Text;

namespace Llm.Runtime.Grammar;

/// <summary>
/// A JSON string rule matching every property name except a given set, so extra properties cannot repeat a
/// declared one (a duplicate key would shadow the validated value in most parsers). Built as a trie: at each
/// node the name may continue along a declared prefix, diverge into any other character, or end if the
/// prefix so far is not itself a declared name. An escape sequence counts as divergence, so a model could
/// still spell a declared name with \u escapes; that is accepted as a rare imprecision.
/// </summary>
internal sealed class PropertyNameExclusion(GbnfRuleSet rules, string hint)
{
    private sealed class Node
    {
        public readonly SortedDictionary<int, Node> Children = [];
        public bool IsName;
    }

    private int _nodes;

    public string Build(IEnumerable<string> names)
    {
        var root = new Node();
        foreach (var name in names)
        {
            var node = root;
            foreach (var rune in name.EnumerateRunes())
            {
                if (!node.Children.TryGetValue(rune.Value, out var next)) node.Children[rune.Value] = next = new Node();
                node = next;
            }
            node.IsName = true;
        }
        var body = $"{Gbnf.Literal("\"")} {NodeRule(root)} {rules.Primitive("space")}";
        return rules.Add(hint, body);
    }

    // Matches the rest of the name and its closing quote.
    private string NodeRule(Node node)
    {
        var quote = Gbnf.Literal("\"");
        var tail = $"{rules.Primitive("char")}* {quote}";
        var alternatives = new List<string>();
        foreach (var (rune, child) in node.Children)
            alternatives.Add($"{Gbnf.Literal(new Rune(rune).ToString())} {NodeRule(child)}");

        var excluded = new StringBuilder(JsonPrimitives.CharExclusions);
        foreach (var rune in node.Children.Keys) excluded.Append(Gbnf.ClassChar(new Rune(rune)));
        alternatives.Add($"( [^{excluded}] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" {rules.Primitive("hex4")} ) ) {tail}");
        if (!node.IsName) alternatives.Add(quote);
        return rules.Add($"{hint}-{++_nodes}", string.Join(" | ", alternatives));
    }
}
