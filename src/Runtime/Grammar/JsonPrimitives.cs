namespace Llm.Runtime.Grammar;

/// <summary>
/// GBNF for JSON's lexical pieces. Every value rule ends in <c>space</c>, so callers only add whitespace after
/// the punctuation they emit themselves. Numbers are capped at 16 significant digits and 2 exponent digits:
/// more cannot round-trip through a double, and an unbounded digit run is a loop a weak model can fall into.
/// </summary>
internal static class JsonPrimitives
{
    public static readonly string[] Names =
    [
        "space", "value", "object", "array", "string", "char", "number", "number-nonneg", "integer",
        "integer-nonneg", "int-digits", "frac", "exp", "boolean", "null", "date", "time", "date-time", "uuid",
        "hex4", "member",
    ];

    /// <summary>The body of a negated class for unescaped string characters: quote, backslash, controls, non-scalars.</summary>
    public const string CharExclusions = "\"\\\\\\x7F\\x00-\\x1F\\uD800-\\uDFFF\\U00110000-\\U001FFFFF";

    public readonly record struct Definition(string Body, string[] Uses);

    public static Definition Body(string name, JsonSchemaGrammarOptions options) => name switch
    {
        "space" => new(Space(options), []),
        "value" => new("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        "object" => new("\"{\" space ( member ( \",\" space member )* )? \"}\" space", ["space", "member"]),
        "member" => new("string \":\" space value", ["string", "value", "space"]),
        "array" => new("\"[\" space ( value ( \",\" space value )* )? \"]\" space", ["space", "value"]),
        "string" => new("\"\\\"\" char* \"\\\"\" space", ["char", "space"]),
        // Any code point but '"', '\' and controls; or an escape. Surrogates and code points above U+10FFFF are
        // excluded too: llama.cpp decodes any lead byte it sees, so without this a model could assemble invalid
        // UTF-8 (e.g. F7 8B 95 A6) from byte tokens, which decodes to several U+FFFD and breaks maxLength.
        "char" => new($"[^{CharExclusions}] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" hex4 )", ["hex4"]),
        "hex4" => new("[0-9a-fA-F]{4}", []),
        "int-digits" => new("\"0\" | [1-9] [0-9]{0,15}", []),
        "frac" => new("\".\" [0-9]{1,16}", []),
        "exp" => new("[eE] [-+]? [0-9]{1,2}", []),
        "number" => new("\"-\"? int-digits frac? exp? space", ["int-digits", "frac", "exp", "space"]),
        "number-nonneg" => new("int-digits frac? exp? space", ["int-digits", "frac", "exp", "space"]),
        "integer" => new("\"-\"? int-digits space", ["int-digits", "space"]),
        "integer-nonneg" => new("int-digits space", ["int-digits", "space"]),
        "boolean" => new("( \"true\" | \"false\" ) space", ["space"]),
        "null" => new("\"null\" space", ["space"]),
        // RFC 3339 full-date / full-time; day-of-month is not checked against the month.
        "date" => new("[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"3\" [01] )", []),
        "time" => new("( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,6} )? ( \"Z\" | [-+] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )", []),
        "date-time" => new("date \"T\" time", ["date", "time"]),
        "uuid" => new("hex4{2} \"-\" hex4 \"-\" hex4 \"-\" hex4 \"-\" hex4{3}", ["hex4"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a JSON primitive rule."),
    };

    private static string Space(JsonSchemaGrammarOptions options)
    {
        if (!options.AllowWhitespace) return "\"\"";
        var indent = Math.Clamp(options.MaxIndent, 0, Gbnf.MaxRepetition);
        return indent == 0 ? "( \" \" | \"\\n\" )?" : $"( \" \" | \"\\n\" [ \\t]{{0,{indent}}} )?";
    }
}
