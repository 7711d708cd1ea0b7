namespace Llm.Runtime.Grammar;

/// <summary>How <see cref="JsonSchemaGrammar"/> shapes the JSON text it allows.</summary>
public sealed record JsonSchemaGrammarOptions
{
    public static JsonSchemaGrammarOptions Default { get; } = new();

    /// <summary>
    /// Whether optional whitespace may follow each JSON token. When false the grammar allows only compact JSON,
    /// which is cheapest in tokens; when true it allows one space, or one newline plus up to
    /// <see cref="MaxIndent"/> spaces or tabs, so instruction-tuned models can pretty-print.
    /// </summary>
    public bool AllowWhitespace { get; init; } = true;

    /// <summary>
    /// The most spaces or tabs allowed after a newline. Bounded because an unbounded whitespace rule lets a weak
    /// model emit spaces forever while staying inside the grammar.
    /// </summary>
    public int MaxIndent { get; init; } = 20;

    /// <summary>
    /// The deepest a schema may nest, counting every subschema entered (<c>properties</c>, <c>items</c>,
    /// <c>anyOf</c>, ...) and every <c>$ref</c> followed to a new definition: 128. The converter is recursive and
    /// a chain of references nests without the JSON text nesting at all, so this is what keeps a hostile schema
    /// from exhausting the thread's stack.
    /// </summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>
    /// The most subschemas a schema may hold in all, counting each one visited (a <c>$ref</c> target once): 10,000.
    /// Together with the limits below it bounds the breadth of a schema as <see cref="MaxDepth"/> bounds its depth.
    /// </summary>
    public int MaxSubschemas { get; init; } = 10_000;

    /// <summary>
    /// The most properties all objects of a schema may declare together: 1,000. Each optional property adds two
    /// alternatives llama.cpp must walk when it parses the grammar (measured: 1,000 optional properties 20-40 ms,
    /// 5,000 about 0.5 s, on one core of a loaded machine).
    /// </summary>
    public int MaxProperties { get; init; } = 1_000;

    /// <summary>
    /// The most alternatives a schema may list in all, counting <c>enum</c> values and <c>anyOf</c> / <c>oneOf</c>
    /// branches: 1,000. llama.cpp's grammar parser is superlinear in the alternatives of one rule (measured: 1,000
    /// enum values 10 ms, 10,000 values 0.4 s, 100,000 values 14 s, during which the request's thread is busy).
    /// </summary>
    public int MaxAlternatives { get; init; } = 1_000;

    /// <summary>The most schemas one <c>prefixItems</c> (or array-form <c>items</c>) may list: 100. Each nests one group deeper.</summary>
    public int MaxPrefixItems { get; init; } = 100;

    /// <summary>
    /// The longest generated GBNF text, in characters: 262,144 (256 Ki). The grammar of 1,000 optional properties
    /// (197 K characters) parses in about 30 ms; one of 20,000 plain rules (650 K characters) in about 26 ms.
    /// </summary>
    public int MaxGrammarLength { get; init; } = 256 * 1024;
}
