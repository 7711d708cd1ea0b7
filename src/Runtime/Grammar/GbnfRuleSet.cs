using System.Text;

namespace Llm.Runtime.Grammar;

/// <summary>
/// The rules of one grammar being built: unique names, reuse of identical bodies, and the shared JSON
/// primitives pulled in on first use.
/// </summary>
internal sealed class GbnfRuleSet
{
    private readonly Dictionary<string, string?> _rules = new(StringComparer.Ordinal); // null body: reserved
    private readonly List<string> _order = [];
    private readonly Dictionary<string, string> _byBody = new(StringComparer.Ordinal);
    private readonly JsonSchemaGrammarOptions _options;

    public GbnfRuleSet(JsonSchemaGrammarOptions options)
    {
        _options = options;
        // Primitive names are taken up front so a schema's "$defs/string" cannot shadow the primitive.
        foreach (var name in JsonPrimitives.Names) _rules[name] = null;
    }

    /// <summary>Adds a rule named after <paramref name="hint"/>, or returns an existing rule with the same body.</summary>
    public string Add(string hint, string body)
    {
        if (_byBody.TryGetValue(body, out var existing)) return existing;
        var name = Reserve(hint);
        Define(name, body);
        return name;
    }

    /// <summary>Takes a unique name now, for rules that refer to themselves before their body is known.</summary>
    public string Reserve(string hint)
    {
        var baseName = Gbnf.RuleName(hint);
        var name = baseName;
        for (var i = 1; _rules.ContainsKey(name); i++) name = $"{baseName}-{i}";
        _rules[name] = null;
        _order.Add(name);
        return name;
    }

    public void Define(string name, string body)
    {
        _rules[name] = body;
        _byBody.TryAdd(body, name);
    }

    /// <summary>The name of a shared primitive (<c>string</c>, <c>number</c>, <c>value</c>...), defining it and what it uses.</summary>
    public string Primitive(string name)
    {
        if (_rules.TryGetValue(name, out var body) && body is not null) return name;
        var definition = JsonPrimitives.Body(name, _options);
        _rules[name] = definition.Body;
        _order.Add(name);
        foreach (var dependency in definition.Uses) Primitive(dependency);
        return name;
    }

    /// <summary>Wraps an expression as one symbol, so it can be repeated or sequenced without parentheses.</summary>
    public string Symbol(string hint, string expression) =>
        Gbnf.IsSymbol(expression) ? expression : Add(hint, expression);

    public string Render()
    {
        var sb = new StringBuilder();
        // root first: llama.cpp does not care, but people reading the grammar do.
        foreach (var name in _order.OrderBy(n => n == "root" ? 0 : 1))
        {
            var body = _rules[name] ?? throw new InvalidOperationException($"Grammar rule '{name}' was reserved but never defined.");
            sb.Append(name).Append(" ::= ").Append(body).Append('\n');
        }
        return sb.ToString();
    }
}
