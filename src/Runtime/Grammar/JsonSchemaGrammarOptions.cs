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
}
